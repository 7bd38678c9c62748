"""Identity (身份鉴别): password rules and history, lockout, the second factor, session limits and the
checks `serve --production` makes before it starts (docs/security.md)."""
