// Package protocol is the emulator's protocol views, read from the store:
// OIDC discovery and JWKS, authorize, token, userinfo, introspect, revoke,
// device and end-session (authentik/providers/oauth2/views), a provider's
// setup_urls, and SAML metadata (authentik/providers/saml). The root
// package routes to them and keeps the provider kinds' tables.
package protocol
