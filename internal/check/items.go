package check

import "github.com/provision/provision/internal/outputs"

// The names of the checklist items, as `check` prints them and -o json
// lists them: scripts match on them, so they change only on purpose. An
// AppChecker preset names the items of its settings itself
// (outputs.AppChecker.AppCheckItems).
const (
	// authentik's half (Output).
	ItemAppAndProvider = "application and provider exist"
	ItemDiscovery      = "discovery document"
	ItemIssuer         = "issuer"
	ItemIssuerHTTPS    = "issuer is https"
	ItemAuthorize      = "authorization endpoint answers"
	ItemSigningAlg     = "signing algorithm advertised"
	ItemSettingsMatch  = "settings match authentik"
	ItemGroupExists    = "access group exists"
	ItemGroupBound     = "access group bound"

	// The client's half (Client), each prefixed with the app's name.
	ItemClientApp     = "client app"
	ItemAnswers       = "answers"
	ItemLoginButton   = "login button shown"
	ItemLoginRedirect = "login redirects to authentik"
	ItemClientIDSent  = "client id sent"
	ItemRedirectSent  = "redirect URI sent"
	ItemScopeSent     = "scope sent"
)

// ItemRedirect is the item that the provider allows the callback of the
// application named label.
func ItemRedirect(label string) string { return "redirect URI allows " + label + "'s callback" }

// ItemNames lists the items authentik's half of the check can report for an
// output of preset p, in their order.
func ItemNames(p outputs.Preset) []string {
	names := []string{ItemAppAndProvider, ItemDiscovery, ItemIssuer}
	app, ok := p.(outputs.AppChecker)
	if ok {
		names = append(names, ItemIssuerHTTPS, ItemAuthorize, ItemSigningAlg)
	}
	names = append(names, ItemRedirect(p.Label()))
	if ok {
		names = append(names, app.AppCheckItems()...)
	} else {
		names = append(names, ItemSettingsMatch)
	}
	return append(names, ItemGroupExists, ItemGroupBound)
}
