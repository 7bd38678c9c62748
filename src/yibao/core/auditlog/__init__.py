"""The audit trail's surroundings: the chain's key, the request context events take their source address
and outcome from, the receivers of sign-in and admin signals, the anchor file, archiving and the pre-screen
access log. The chain itself is yibao.core.audit."""
