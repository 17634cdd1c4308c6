"""The dashboard's pages, one st.Page each (dashboard/streamlit_app.py routes to them). A page is a
script of its own, or a package holding the script (named like the page's url path, as AppTest
finds a page by its file name before the first run) and the modules that draw its parts; what
several pages use lives in dashboard/ui/."""
