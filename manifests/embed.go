// Package manifests holds the example manifests. The LibreChat one is also
// built into the binary for "provision demo".
package manifests

import _ "embed"

// ExampleEnv gives example values for the variables the example manifests
// declare in their variables: sections (demo uses them unless they are set; the tests
// load the examples with them).
var ExampleEnv = map[string]string{
	"LIBRECHAT_URL":  "https://chat.example.com",
	"WIKI_URL":       "https://wiki.example.com",
	"DASHBOARDS_URL": "https://dashboards.example.com",
	// three-apps.yaml
	"AUTH_PUBLIC_URL": "https://auth.example.com",
	"OPENWEBUI_URL":   "https://webui.example.com",
	"GRAFANA_URL":     "https://grafana.example.com",
	// homelab.yaml
	"VAULTWARDEN_URL": "https://vault.example.com",
	"MEALIE_URL":      "https://recipes.example.com",
	"IMMICH_URL":      "https://photos.example.com",
	"NEXTCLOUD_URL":   "https://cloud.example.com",
	// corp-login.yaml
	"PORTAL_URL": "https://portal.example.com",
	// corp-sources.yaml (example secrets: the demo's sandbox only)
	"GITHUB_SECRET":          "example-github-client-secret",
	"LDAP_BIND_PASSWORD":     "example-ldap-bind-password",
	"PLEX_TOKEN":             "example-plex-token",
	"KERBEROS_SYNC_PASSWORD": "example-kerberos-sync-password",
	"TELEGRAM_BOT_TOKEN":     "example-telegram-bot-token",
	// corp-prov.yaml (example secrets: the demo's sandbox only)
	"SCIM_TOKEN":    "example-scim-token",
	"RADIUS_SECRET": "example-radius-shared-secret",
	// corp-identity.yaml (an example password: the demo's sandbox only)
	"ALICE_PASSWORD": "example-alice-password",
	// corp-events.yaml (an example webhook URL: the demo's sandbox only)
	"CORP_WEBHOOK_URL": "https://hooks.example.com/services/T000/B000/example-token",
}

// Demo is manifests/librechat.yaml (DemoName), the LibreChat walkthrough
// "provision demo" runs unless given another manifest.
//
//go:embed librechat.yaml
var Demo []byte

// DemoName is Demo's file name.
const DemoName = "librechat.yaml"
