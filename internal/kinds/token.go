package kinds

// Tokens (authentik/core/models.py Token, api/tokens.py TokenSerializer),
// keyed by identifier and addressed by it (lookup_field = "identifier").
// The key is not a field of TokenSerializer: apply reads it through
// view_key/ for the token output. A manifest may set it from a sensitive
// variable (key:), written through set_key/ (TokenViewSet.set_key, which
// needs authentik_core.set_token_key); only then does a plan read it
// (view_key/, authentik_core.view_token_key), to compare it, masked, so
// a rotation is one manifest change. validate() resets an API token's
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
	Extra: []Field{{Name: "key", Type: String, Secret: true, SensitiveOnly: true, ReadWhenDeclared: true, Output: true,
		Doc: "The key, from a sensitive variable only (set through set_key/); omitted, authentik's own is kept. A plan reads the live key only when it is declared, to compare it."}},
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
		if k, ok := fields["key"].(string); ok && k == "" {
			return []Problem{{Field: "key", Msg: "the key is empty, which authentik refuses (set_key/ answers 400); give the variable a value, or leave key out to keep authentik's"}}
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
