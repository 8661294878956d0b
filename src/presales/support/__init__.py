"""Presales support requests (售前支持申请) from sales, with response and due-date SLAs."""
