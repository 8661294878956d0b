"""Customers, contacts, ownership, communication log, technical issues, complaints, surveys, feedback."""
