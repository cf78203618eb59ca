package kinds

// Tokens (authentik/core/models.py Token, api/tokens.py TokenSerializer),
// keyed by identifier and addressed by it (lookup_field = "identifier").
// The key is never a field: plans never read it; apply reads it through
// view_key/ for the token output. validate() resets an API token's
// expires to default_token_duration() on every write, so expires is
// refused on an api token (it could never match).
var token = &Kind{
	Name:      "token",
	Section:   "tokens",
	Path:      "core/tokens/",
	Model:     "authentik_core.token",
	Schema:    "TokenRequest",
	Key:       "identifier",
	PK:        "pk",
	URLKey:    true,
	Managed:   "managed",
	Omit:      []string{"managed"},
	Refs:      map[string]string{"user": "user"},
	Immutable: []string{"user"},
	// Token.user: ForeignKey("User", on_delete=models.CASCADE).
	Cascade: []string{"user"},
	// validate_user refuses another user; intent is set by validate() to
	// api when omitted.
	Defaults: map[string]any{"intent": "api", "description": "", "expiring": true},
	Outputs:  []string{"token"},
	ExportOmit: func(fields map[string]any) []string {
		if fields["intent"] == "api" {
			return []string{"expires"}
		}
		return nil
	},
	Check: func(key string, fields map[string]any, absent bool) []Problem {
		if _, ok := fields["expires"]; ok && (fields["intent"] == nil || fields["intent"] == "api") {
			return []Problem{{Field: "expires", Msg: "authentik sets an api token's expiry itself on every write (TokenSerializer.validate), so expires cannot be declared; use expiring: false for a token that never expires"}}
		}
		if i, ok := fields["intent"].(string); ok && i != "api" && i != "app_password" {
			return []Problem{{Field: "intent", Msg: "authentik's API creates only api and app_password tokens; use one of those"}}
		}
		return nil
	},
	Docs: map[string]string{
		"identifier": "The token's identifier, its key.",
		"user":       "The user the token authenticates as, by username; cannot change.",
		"intent":     "api (an API token) or app_password.",
	},
	Doc: "An API token or app password; its key reaches a file through the token output, never a plan.",
}

func init() { Register(token) }
