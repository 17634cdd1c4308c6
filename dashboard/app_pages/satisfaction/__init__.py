"""The Satisfaction page (满意度, SPEC §7.5): satisfaction.py is its st.Page script; one module per tab
beside it draws its parts, rates holds what they share."""
