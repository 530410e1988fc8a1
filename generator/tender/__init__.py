"""Tenders: the tender file, comparators, the check, reports and the deviation table."""
