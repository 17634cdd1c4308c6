"""A page with st.login and nothing else, for the test of the OpenID harness with Streamlit."""

import streamlit as st

if st.user.is_logged_in:
    st.text(f"signed in: {st.user.get('email')} verified={st.user.get('email_verified')} roles={st.user.get('roles')}")
    st.button("Sign out", on_click=st.logout)
else:
    st.button("Sign in", on_click=st.login)
