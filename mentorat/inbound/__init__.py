"""Replies by email: a reply to a check-in or an invitation records the answer, through a
mail server the organisation plugs in (LMTP or SMTP listener). Reply addresses are made
and checked in mentorat.links."""
