"""Help that becomes a support case: Mentions turned into ERPNext Issues (one per conversation)."""
