"""Placeholder until the page is written."""

import streamlit as st

from dashboard.i18n import t

st.header(t("page_complaints"))
