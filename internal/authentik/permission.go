package authentik

import (
	"net/http"
	"strings"

	desc "github.com/provision/provision/internal/kinds"
)

// neededPermission names the global permission authentik checks for a
// request provision makes (its collection's model and the method: view_,
// add_, change_, delete_; a detail action's own), "" when unknown. It
// turns a 403 into one sentence naming what the token's user lacks.
func neededPermission(req *http.Request) string {
	if req == nil || req.URL == nil {
		return ""
	}
	rest, ok := strings.CutPrefix(req.URL.Path, "/api/v3/")
	if !ok {
		if i := strings.Index(req.URL.Path, "/api/v3/"); i >= 0 {
			rest, ok = req.URL.Path[i+len("/api/v3/"):], true
		}
	}
	if !ok {
		return ""
	}
	for suffix, perm := range actionPermissions {
		if strings.HasSuffix(rest, suffix) {
			return perm
		}
	}
	var model, prefix string
	for p, m := range collectionModels() {
		if strings.HasPrefix(rest, p) && len(p) > len(prefix) {
			model, prefix = m, p
		}
	}
	if model == "" {
		return ""
	}
	detail := strings.Trim(strings.TrimPrefix(rest, prefix), "/") != ""
	verb := "view"
	switch req.Method {
	case http.MethodPost:
		verb = "add"
	case http.MethodPut, http.MethodPatch:
		verb = "change"
	case http.MethodDelete:
		verb = "delete"
	}
	if verb == "add" && detail {
		return ""
	}
	app, name, _ := strings.Cut(model, ".")
	return app + "." + verb + "_" + name
}

// actionPermissions are detail actions' permission_required, by path tail.
var actionPermissions = map[string]string{
	"/set_password/": "authentik_core.reset_user_password", // users.py set_password
	"/view_key/":     "authentik_core.view_token_key",      // tokens.py view_key
	"/set_key/":      "authentik_core.set_token_key",       // tokens.py set_key
	"/assign/":       "authentik_rbac.assign_role_permissions",
	"/unassign/":     "authentik_rbac.unassign_role_permissions",
}

// collectionModels maps API collections to their models: the
// descriptors', and the hand-written kinds' and records'.
func collectionModels() map[string]string {
	out := map[string]string{
		"managed/blueprints/":             "authentik_blueprints.blueprintinstance",
		"core/applications/":              "authentik_core.application",
		"providers/all/":                  "authentik_core.provider",
		"providers/oauth2/":               "authentik_providers_oauth2.oauth2provider",
		"providers/proxy/":                "authentik_providers_proxy.proxyprovider",
		"providers/saml/":                 "authentik_providers_saml.samlprovider",
		"providers/ldap/":                 "authentik_providers_ldap.ldapprovider",
		"propertymappings/all/":           "authentik_core.propertymapping",
		"propertymappings/provider/saml/": "authentik_providers_saml.samlpropertymapping",
		"crypto/certificatekeypairs/":     "authentik_crypto.certificatekeypair",
		"outposts/instances/":             "authentik_outposts.outpost",
	}
	for _, k := range append(desc.All(), desc.ChildKinds()...) {
		if k.Path != "" && k.Model != "" {
			out[k.Path] = k.Model
		}
		if k.AllPath != "" && k.AllModel != "" {
			out[k.AllPath] = k.AllModel
		}
	}
	return out
}
