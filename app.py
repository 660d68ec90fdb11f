"""ICT Baseline map app (placeholder page until the app issue lands)."""

import streamlit as st

st.set_page_config(page_title="ICT Baseline", layout="wide")
st.title("ICT Baseline")
st.write("Informatization facilities as a standard fitting of urban construction in Pudong.")
