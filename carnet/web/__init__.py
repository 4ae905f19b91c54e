"""The web app: server-rendered pages for seekers, counsellors and the operator."""
