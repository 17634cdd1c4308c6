"""The least a Streamlit page with one plotly chart costs to show in a fresh browser (bench floor
for the dashboard's first load): a title and a three-point line chart, no data, no sidebar."""

import plotly.graph_objects as go
import streamlit as st

st.title("Hello")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))
