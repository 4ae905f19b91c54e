"""OAuth2 for IMAP: providers as data, the flows that get a grant, and access tokens.

A grant is kept as its refresh token, encrypted like a password; access tokens
live in memory only (`tokens.AccessTokens`) and are refreshed before they expire.
Microsoft's flows go through msal, Google's through authlib; refreshing is one
RFC 6749 exchange for both, with each provider's endpoints.
"""
