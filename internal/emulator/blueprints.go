package emulator

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
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

var blueprintKind = &kindDef[*store.Object]{
	kind: "blueprintinstance", model: "BlueprintInstance", prefix: "managed/blueprints/",
	fields: blueprintFields,
	list: httpapi.ListSpec{
		SearchFields: []string{"name", "path"},
		Order:        []string{"name"},
	},
	all: func(e *Emulator) []*store.Object { return e.st.Blueprints },
	byID: func(e *Emulator, id string) (*store.Object, bool) {
		for _, b := range e.st.Blueprints {
			if strings.EqualFold(b.PK, id) {
				return b, true
			}
		}
		return nil, false
	},
	fresh: func(e *Emulator) *store.Object {
		return &store.Object{Attrs: map[string]any{"context": json.RawMessage("{}"), "metadata": json.RawMessage("{}")}}
	},
	clone: func(o *store.Object) *store.Object { return &store.Object{PK: o.PK, Attrs: cloneAttrs(o.Attrs)} },
	commit: func(_ *Emulator, dst, src *store.Object) {
		src.Attrs["last_applied"] = time.Now().UTC() // auto_now: every save
		dst.Attrs = src.Attrs
	},
	insert: func(e *Emulator, o *store.Object) {
		o.PK = e.newUUID()
		o.Attrs["last_applied"] = time.Now().UTC()
		e.st.Blueprints = append(e.st.Blueprints, o)
	},
	remove: func(e *Emulator, o *store.Object) {
		e.st.Blueprints = slices.DeleteFunc(e.st.Blueprints, func(x *store.Object) bool { return x == o })
	},
	attrs: func(o *store.Object) map[string]any { return o.Attrs },
	key:   func(o *store.Object) string { return httpapi.FmtVal(o.Attrs["name"]) },
	pk:    func(o *store.Object) string { return o.PK },
	// context is a models.JSONField, which authentik's ModelSerializer maps
	// to JSONDictField (core/api/utils.py): a JSON object, not null.
	readBase: func(e *Emulator, f *httpapi.Form, o *store.Object) {
		var ctx json.RawMessage
		if f.Object("context", false, &ctx) {
			o.Attrs["context"] = ctx
		}
	},
	validate: func(e *Emulator, f *httpapi.Form, o *store.Object) *httpapi.Resp {
		// path is in the model's unique_together with name and has a model
		// default, so DRF's ModelSerializer gives the serializer field
		// default="" (get_uniqueness_extra_kwargs): a PUT without path
		// clears it (a PATCH skips defaults).
		if !f.Partial && !f.Has("path") {
			o.Attrs["path"] = ""
		}
		name := httpapi.FmtVal(o.Attrs["name"])
		for _, b := range e.st.Blueprints {
			if b.PK != o.PK && b.Attrs["name"] == name {
				f.Fail("name", "Blueprint Instance with this name already exists.")
			}
		}
		if f.Has("path") {
			if p := httpapi.FmtVal(o.Attrs["path"]); p != "" && !strings.HasPrefix(p, "oci://") && !slices.Contains(blueprintFiles, p) {
				f.Fail("path", "Blueprint file does not exist")
			}
		}
		if f.Has("content") {
			if c := httpapi.FmtVal(o.Attrs["content"]); c != "" {
				if msg, crash := blueprintInvalid(c); crash {
					f.Crash("content")
				} else if msg != "" {
					f.Errs["content"] = []string{"Failed to validate blueprint", "- " + msg}
				}
			}
		}
		if !f.Ok() {
			r := f.Result()
			return &r
		}
		// validate() sees only the attributes sent, even on PATCH.
		if bodyStr(f, "path") == "" && bodyStr(f, "content") == "" {
			r := httpapi.NonFieldError("Either path or content must be set.")
			return &r
		}
		return nil
	},
	render: func(e *Emulator, _ *httpapi.Call, o *store.Object) map[string]any {
		return map[string]any{
			"pk": o.PK, "context": o.Attrs["context"], "metadata": o.Attrs["metadata"],
			"last_applied":      o.Attrs["last_applied"].(time.Time).Format("2006-01-02T15:04:05.000000Z07:00"),
			"last_applied_hash": "", "status": "unknown", "managed_models": []string{},
		}
	},
}

// bodyStr is a string attribute as sent in the body ("" when absent).
func bodyStr(f *httpapi.Form, k string) string {
	if !f.Has(k) {
		return ""
	}
	var s string
	_ = json.Unmarshal(f.Raw[k], &s)
	return strings.TrimSpace(s)
}

// blueprintInvalid is what validate_content says of a content ("" when
// it is valid); crash means authentik answers 500 instead of a 400:
// Importer.from_string (authentik/blueprints/v1/importer.py) lets YAML
// errors through and turns dacite's type errors into EntryInvalidError,
// neither of which DRF catches. Only version != 1 is a 400 before the
// entries are applied in a rolled-back transaction; the emulator checks the
// envelope and the entries' shape (common.py Blueprint, BlueprintEntry,
// BlueprintMetadata, BlueprintEntryPermission), not the entries against
// the models.
func blueprintInvalid(content string) (msg string, crash bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(content), &doc); err != nil || len(doc.Content) == 0 {
		return "", true // YAMLError, or load() gave None ("in None" raises)
	}
	if !blueprintTagsKnown(&doc) {
		return "", true // ConstructorError: a tag BlueprintLoader does not register
	}
	root := doc.Content[0]
	names := []string{"version", "entries", "context", "metadata"}
	switch {
	case root.Kind == yaml.ScalarNode && pyTag(root) == "str":
		// dacite tests `name in data`: on a str that is a substring test,
		// and data["version"] on a str raises TypeError.
		for _, n := range names {
			if strings.Contains(root.Value, n) {
				return "", true
			}
		}
		return "", false
	case root.Kind == yaml.SequenceNode:
		for _, it := range root.Content {
			if it.Kind == yaml.ScalarNode && pyTag(it) == "str" && slices.Contains(names, it.Value) {
				return "", true
			}
		}
		return "", false
	case root.Kind != yaml.MappingNode:
		return "", true
	}
	get := mappingGetter(root)
	version := 1
	if v := get("version"); v != nil {
		switch pyTag(v) {
		case "int":
			n, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, 64)
			if err != nil || n != 1 {
				version = 0 // a big int is still an int, just not 1
			}
		case "bool": // isinstance(True, int); True == 1
			if yaml11True(v.Value) {
				version = 1
			} else {
				version = 0
			}
		default:
			return "", true
		}
	}
	if c := get("context"); c != nil && pyTag(c) != "map" {
		return "", true
	}
	if m := get("metadata"); m != nil && pyTag(m) != "null" {
		if pyTag(m) != "map" {
			return "", true
		}
		mg := mappingGetter(m)
		if n := mg("name"); n == nil || pyTag(n) != "str" {
			return "", true
		}
		if l := mg("labels"); l != nil {
			if pyTag(l) != "map" {
				return "", true
			}
			for _, x := range l.Content {
				if pyTag(x) != "str" {
					return "", true
				}
			}
		}
	}
	if en := get("entries"); en != nil {
		ok := pyTag(en) == "seq" && blueprintEntriesOK(en)
		if !ok && pyTag(en) == "map" {
			ok = true
			for i := 1; i < len(en.Content); i += 2 {
				ok = ok && pyTag(en.Content[i-1]) == "str" && pyTag(en.Content[i]) == "seq" && blueprintEntriesOK(en.Content[i])
			}
		}
		if !ok {
			return "", true // UnionMatchError
		}
	}
	if version != 1 {
		return "Invalid blueprint version", false
	}
	return "", false
}

// blueprintEntriesOK says whether every item of seq is a BlueprintEntry
// dacite accepts (cast=[BlueprintEntryDesiredState]).
func blueprintEntriesOK(seq *yaml.Node) bool {
	tagOr := func(n *yaml.Node, types ...string) bool {
		return n == nil || pyTag(n) == "tag" || slices.Contains(types, pyTag(n))
	}
	for _, it := range seq.Content {
		if pyTag(it) != "map" {
			return false
		}
		g := mappingGetter(it)
		m := g("model")
		if m == nil || !tagOr(m, "str") {
			return false
		}
		if st := g("state"); st != nil && pyTag(st) != "tag" &&
			(pyTag(st) != "str" || !slices.Contains([]string{"absent", "present", "created", "must_created"}, st.Value)) {
			return false
		}
		if c := g("conditions"); c != nil && pyTag(c) != "seq" {
			return false
		}
		if c := g("identifiers"); c != nil && pyTag(c) != "map" {
			return false
		}
		if c := g("attrs"); c != nil && pyTag(c) != "map" && pyTag(c) != "null" {
			return false
		}
		if c := g("id"); c != nil && pyTag(c) != "str" && pyTag(c) != "null" {
			return false
		}
		if ps := g("permissions"); ps != nil {
			if pyTag(ps) != "seq" {
				return false
			}
			for _, p := range ps.Content {
				if pyTag(p) != "map" {
					return false
				}
				pg := mappingGetter(p)
				if x := pg("permission"); x == nil || !tagOr(x, "str") {
					return false
				}
				if !tagOr(pg("user"), "int", "bool", "null") || !tagOr(pg("role"), "str", "null") {
					return false
				}
			}
		}
	}
	return true
}

// pyTag is the Python type PyYAML's BlueprintLoader (a SafeLoader, YAML
// 1.1) builds for n: str, int, float, bool, null, seq, map, or tag (one of
// authentik's YAMLTag constructors).
func pyTag(n *yaml.Node) string {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return pyTag(n.Alias)
	}
	switch {
	case localTag(n.Tag):
		return "tag"
	case n.Kind == yaml.SequenceNode:
		return "seq"
	case n.Kind == yaml.MappingNode:
		return "map"
	}
	if n.Style == 0 && n.Tag == "!!str" {
		switch strings.ToLower(n.Value) {
		case "yes", "no", "on", "off":
			if n.Value == strings.ToLower(n.Value) || n.Value == strings.ToUpper(n.Value) || n.Value == strings.ToUpper(n.Value[:1])+strings.ToLower(n.Value[1:]) {
				return "bool"
			}
		}
	}
	switch n.Tag {
	case "!!int":
		return "int"
	case "!!float":
		return "float"
	case "!!bool":
		return "bool"
	case "!!null":
		return "null"
	}
	return "str"
}

// localTag says whether tag is a local "!Name" tag (not a "!!" core one).
func localTag(tag string) bool {
	return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!")
}

func yaml11True(v string) bool {
	switch strings.ToLower(v) {
	case "true", "yes", "on":
		return true
	}
	return false
}

// mappingGetter looks a string key up in a mapping node (the last of
// duplicate keys wins, as in PyYAML).
func mappingGetter(m *yaml.Node) func(string) *yaml.Node {
	if m.Kind == yaml.AliasNode && m.Alias != nil {
		m = m.Alias
	}
	return func(k string) *yaml.Node {
		var found *yaml.Node
		for i := 1; i < len(m.Content); i += 2 {
			if key := m.Content[i-1]; pyTag(key) == "str" && key.Value == k {
				found = m.Content[i]
			}
		}
		if found != nil && found.Kind == yaml.AliasNode && found.Alias != nil {
			return found.Alias
		}
		return found
	}
}

// blueprintTagsKnown says whether every local tag in the document is one
// BlueprintLoader registers (common.py).
func blueprintTagsKnown(n *yaml.Node) bool {
	if localTag(n.Tag) && !slices.Contains([]string{
		"!KeyOf", "!Find", "!FindObject", "!Context", "!Format", "!Condition", "!If", "!Env",
		"!File", "!Enumerate", "!Value", "!Index", "!AtIndex", "!ParseJSON"}, n.Tag) {
		return false
	}
	for _, c := range n.Content {
		if !blueprintTagsKnown(c) {
			return false
		}
	}
	return true
}
