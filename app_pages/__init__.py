"""Streamlit pages of the ICT Baseline app (widgets, cached loaders, calls into baseline)."""
