"""The checks (gates): each turns documents into findings."""
