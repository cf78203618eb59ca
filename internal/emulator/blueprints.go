package emulator

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Blueprint instances, as authentik/blueprints/api.py
// (BlueprintInstanceSerializer on authentik/blueprints/models.py). The
// emulator stores them and never applies one: a fresh install's instances
// of the bundled blueprints are not seeded (see KINDS.md), and saving an
// instance applies nothing on the server either (no signal; only the
// discovery task and the apply action do, and they skip disabled ones).

var blueprintFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact"},
	{name: "path", typ: ftString, blank: true, def: "", filter: "exact"},
	{name: "enabled", typ: ftBool, def: true},
	{name: "content", typ: ftString, blank: true, def: ""},
}

// blueprintFiles are the files under /blueprints of authentik 2026.2.2's
// image: validate_path accepts these (and oci:// references) only.
var blueprintFiles = []string{
	"default/default-brand.yaml", "default/events-default.yaml",
	"default/flow-default-authentication-flow.yaml", "default/flow-default-authenticator-static-setup.yaml",
	"default/flow-default-authenticator-totp-setup.yaml", "default/flow-default-authenticator-webauthn-setup.yaml",
	"default/flow-default-invalidation-flow.yaml", "default/flow-default-provider-authorization-explicit-consent.yaml",
	"default/flow-default-provider-authorization-implicit-consent.yaml", "default/flow-default-provider-invalidation.yaml",
	"default/flow-default-source-authentication.yaml", "default/flow-default-source-enrollment.yaml",
	"default/flow-default-source-pre-authentication.yaml", "default/flow-default-user-settings-flow.yaml",
	"default/flow-oobe.yaml", "default/flow-password-change.yaml", "default/rbac-role-read-only.yaml",
	"example/flows-authenticator-email-setup.yaml", "example/flows-enrollment-2-stage.yaml",
	"example/flows-enrollment-email-verification.yaml", "example/flows-invitation-enrollment.yaml",
	"example/flows-login-2fa.yaml", "example/flows-login-conditional-captcha.yaml",
	"example/flows-recovery-email-mfa-verification.yaml", "example/flows-recovery-email-verification.yaml",
	"example/flows-unenrollment.yaml", "example/sources-google-ldap-mappings.yaml",
	"migrations/migrate-prompt-name.yaml",
	"system/bootstrap.yaml", "system/providers-google-workspace.yaml", "system/providers-microsoft-entra.yaml",
	"system/providers-oauth2.yaml", "system/providers-proxy.yaml", "system/providers-rac.yaml",
	"system/providers-saml.yaml", "system/providers-scim.yaml", "system/sources-kerberos.yaml",
	"system/sources-ldap.yaml", "testing/oidc-conformance.yaml",
}

var blueprintKind = &kindDef[*object]{
	kind: "blueprintinstance", model: "BlueprintInstance", prefix: "managed/blueprints/",
	fields: blueprintFields,
	list: listSpec{
		searchFields: []string{"name", "path"},
		order:        []string{"name"},
	},
	all: func(e *Emulator) []*object { return e.st.blueprints },
	byID: func(e *Emulator, id string) (*object, bool) {
		for _, b := range e.st.blueprints {
			if strings.EqualFold(b.PK, id) {
				return b, true
			}
		}
		return nil, false
	},
	fresh: func(e *Emulator) *object {
		return &object{Attrs: map[string]any{"context": json.RawMessage("{}"), "metadata": json.RawMessage("{}")}}
	},
	clone: func(o *object) *object { return &object{PK: o.PK, Attrs: cloneAttrs(o.Attrs)} },
	commit: func(_ *Emulator, dst, src *object) {
		src.Attrs["last_applied"] = time.Now().UTC() // auto_now: every save
		dst.Attrs = src.Attrs
	},
	insert: func(e *Emulator, o *object) {
		o.PK = e.newUUID()
		o.Attrs["last_applied"] = time.Now().UTC()
		e.st.blueprints = append(e.st.blueprints, o)
	},
	remove: func(e *Emulator, o *object) {
		e.st.blueprints = slices.DeleteFunc(e.st.blueprints, func(x *object) bool { return x == o })
	},
	attrs: func(o *object) map[string]any { return o.Attrs },
	key:   func(o *object) string { return fmtVal(o.Attrs["name"]) },
	pk:    func(o *object) string { return o.PK },
	// context is a models.JSONField: any JSON value but null.
	readBase: func(e *Emulator, f *form, o *object) {
		if f.take("context", false, false) {
			o.Attrs["context"] = append(json.RawMessage(nil), f.raw["context"]...)
		}
	},
	validate: func(e *Emulator, f *form, o *object) *resp {
		name := fmtVal(o.Attrs["name"])
		for _, b := range e.st.blueprints {
			if b.PK != o.PK && b.Attrs["name"] == name {
				f.fail("name", "Blueprint Instance with this name already exists.")
			}
		}
		if f.has("path") {
			if p := fmtVal(o.Attrs["path"]); p != "" && !strings.HasPrefix(p, "oci://") && !slices.Contains(blueprintFiles, p) {
				f.fail("path", "Blueprint file does not exist")
			}
		}
		if f.has("content") {
			if c := fmtVal(o.Attrs["content"]); c != "" {
				if msg := blueprintInvalid(c); msg != "" {
					f.errs["content"] = []string{"Failed to validate blueprint", "- " + msg}
				}
			}
		}
		if !f.ok() {
			r := f.result()
			return &r
		}
		// validate() sees only the attributes sent, even on PATCH.
		if fmtVal(bodyStr(f, "path")) == "" && fmtVal(bodyStr(f, "content")) == "" {
			r := nonFieldError("Either path or content must be set.")
			return &r
		}
		return nil
	},
	render: func(e *Emulator, _ *call, o *object) map[string]any {
		return map[string]any{
			"pk": o.PK, "context": o.Attrs["context"], "metadata": o.Attrs["metadata"],
			"last_applied":      o.Attrs["last_applied"].(time.Time).Format("2006-01-02T15:04:05.000000Z07:00"),
			"last_applied_hash": "", "status": "unknown", "managed_models": []string{},
		}
	},
}

// bodyStr is a string attribute as sent in the body ("" when absent).
func bodyStr(f *form, k string) any {
	if !f.has(k) {
		return ""
	}
	var s string
	_ = json.Unmarshal(f.raw[k], &s)
	return strings.TrimSpace(s)
}

// blueprintInvalid is what the importer's validate() says of a content
// that is not a version 1 blueprint ("" when it is). The emulator checks
// the envelope only; entries are not validated against the models.
func blueprintInvalid(content string) string {
	var doc struct {
		Version *int `yaml:"version"`
		Entries any  `yaml:"entries"`
	}
	if err := yaml.Unmarshal([]byte(content), &doc); err != nil {
		return "Invalid blueprint: " + err.Error()
	}
	if doc.Version != nil && *doc.Version != 1 {
		return "Invalid blueprint version"
	}
	switch doc.Entries.(type) {
	case nil, []any, map[string]any:
		return ""
	}
	return "Invalid blueprint entries"
}
