"""Renderers: DOCX, HTML and PDF, fonts, images, the flowchart, and atomic output."""
