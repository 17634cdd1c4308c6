"""The Complaints page (客诉分析, SPEC §7.4): complaints.py is its st.Page script; kpis.py and one
module per tab beside it draw its parts."""
