"""Tender intake: read a 招标文件 (DOCX, PDF, TXT) and draft the tender file from it."""
