package manifest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/pyexpr"
	"github.com/provision/provision/internal/suggest"
)

// Entry is one object of a descriptor kind (internal/kinds): a flow, a
// stage, a prompt, or a child declared inside one (a flow's stage binding).
// Fields holds only what the manifest declares, by authentik's field name:
// strings, bools, int64, float64, []string (lists and references, by the
// referenced object's key) and JSON values (map[string]any, []any).
type Entry struct {
	Kind  *kinds.Kind
	Key   string
	State State
	// Fields are the declared fields (the key included).
	Fields map[string]any
	// Children are the nested lists declared, by the parent's field
	// ("stages"); a list not declared is absent (nil), not empty.
	Children map[string][]*Entry
	// FromFile names, by request field, the manifest field whose file gave
	// its value (kinds.Kind.Files): "certificate_data": "certificate_file".
	FromFile map[string]string
	// Via is the create-only action's mapping when declared
	// (kinds.Kind.CreateVia: a certificate's generate:), else nil.
	Via map[string]any
	// Outputs are the files apply writes from the object (a token's
	// token:), by output name (kinds.Kind.Outputs).
	Outputs map[string]*OutpostOutput
	// Protect refuses a destroy of the object (protect: true, moved.go).
	Protect bool
	Src     Source
}

// Declares reports whether the entry declared the field.
func (e *Entry) Declares(field string) bool {
	_, ok := e.Fields[field]
	return ok
}

// Label names the entry for messages: `stage "corp-password"`.
func (e *Entry) Label() string { return fmt.Sprintf("%s %q", e.Kind.Label(), e.Key) }

// Entries returns the manifest's entries of a plan kind (a family), in
// manifest order.
func (m *Manifest) EntriesOf(name string) []*Entry {
	var out []*Entry
	for _, e := range m.Entries {
		if e.Kind.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// isEntrySection reports whether key is a descriptor kind's section.
func isEntrySection(key string) bool { return slices.Contains(kinds.Sections(), key) }

// decodeEntries decodes one descriptor section (a sequence of mappings).
func decodeEntries(sc *scope, file, section string, seq *yaml.Node, diags *Diagnostics) []*Entry {
	if family := kinds.InSection(section); len(family) == 1 && family[0].Singleton {
		return decodeSingleton(sc, file, section, seq, family[0], diags)
	}
	if seq.Kind != yaml.SequenceNode {
		if seq.Tag == "!!null" {
			return nil
		}
		diags.add(pos(file, seq), fmt.Sprintf("%s: expected a list of entries, each starting with \"- \"", section))
		return nil
	}
	var out []*Entry
	family := kinds.InSection(section)
	for i, item := range seq.Content {
		where := fmt.Sprintf("%s[%d]", section, i)
		if item.Kind != yaml.MappingNode {
			diags.add(pos(file, item), fmt.Sprintf("%s: expected a mapping of fields (key: value), e.g. - %s: my-%s", where, family[0].Key, family[0].Name))
			continue
		}
		k := family[0]
		if family[0].Type != "" {
			k = pickType(file, where, item, family, diags)
			if k == nil {
				continue
			}
		}
		if e := decodeEntry(sc, file, where, item, k, nil, diags); e != nil {
			out = append(out, e)
		}
	}
	return out
}

// decodeSingleton decodes the section of a Singleton kind (system_settings:):
// one mapping of fields, the kind's one entry.
func decodeSingleton(sc *scope, file, section string, m *yaml.Node, k *kinds.Kind, diags *Diagnostics) []*Entry {
	if m.Kind != yaml.MappingNode {
		if m.Tag == "!!null" {
			return nil
		}
		diags.add(pos(file, m), fmt.Sprintf("%s: expected a mapping of fields (key: value), not a list, e.g. %s: {%s: ...}", section, section, k.Fields()[0].Name))
		return nil
	}
	if e := decodeEntry(sc, file, section, m, k, nil, diags); e != nil {
		return []*Entry{e}
	}
	return nil
}

// takeTypedEntries decodes the entries of a section hand-written kinds
// share with descriptors (providers: holds OAuth2, proxy, SAML and LDAP
// providers written by hand, and RADIUS, SCIM and RAC ones the engine
// manages): an item whose type: names a descriptor of the section is the
// engine's, and is removed from seq; the others stay for the typed decode.
// Positions keep the item's index in the whole section.
func takeTypedEntries(sc *scope, file, section string, seq *yaml.Node, diags *Diagnostics) []*Entry {
	if seq.Kind != yaml.SequenceNode {
		return nil
	}
	family := kinds.InSection(section)
	var out []*Entry
	kept := seq.Content[:0:0]
	for i, item := range seq.Content {
		var k *kinds.Kind
		if item.Kind == yaml.MappingNode {
			if tn := valueOf(item, "type"); tn != nil && tn.Kind == yaml.ScalarNode {
				for _, f := range family {
					if f.Type == tn.Value {
						k = f
					}
				}
			}
		}
		if k == nil {
			kept = append(kept, item)
			continue
		}
		if e := decodeEntry(sc, file, fmt.Sprintf("%s[%d]", section, i), item, k, nil, diags); e != nil {
			out = append(out, e)
		}
	}
	seq.Content = kept
	return out
}

// EngineTypes returns the type: values of a section's descriptors (the
// providers: types the engine manages), for messages listing every type.
func EngineTypes(section string) []string {
	var out []string
	for _, k := range kinds.InSection(section) {
		out = append(out, k.Type)
	}
	return out
}

// pickType finds the descriptor an entry's type: names in a shared section.
func pickType(file, where string, item *yaml.Node, family []*kinds.Kind, diags *Diagnostics) *kinds.Kind {
	var types []string
	for _, k := range family {
		types = append(types, k.Type)
	}
	tn := valueOf(item, "type")
	if tn == nil || tn.Kind != yaml.ScalarNode || tn.Value == "" {
		diags.add(pos(file, item), fmt.Sprintf("%s: type is required: one of %s", where, strings.Join(types, ", ")))
		return nil
	}
	for _, k := range family {
		if k.Type == tn.Value {
			return k
		}
	}
	msg := fmt.Sprintf("%s: unknown %s type %q", where, family[0].Name, shorten(tn.Value))
	if s := suggest.Closest(tn.Value, types); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; the types are " + strings.Join(types, ", ")
	}
	diags.add(pos(file, tn), msg)
	return nil
}

// decodeEntry decodes one entry of kind k; child is set for a nested entry
// (its parent field is implied).
func decodeEntry(sc *scope, file, where string, item *yaml.Node, k *kinds.Kind, child *kinds.Child, diags *Diagnostics) *Entry {
	e := &Entry{Kind: k, Fields: map[string]any{}, Src: sourceOf(file, item)}
	fields := k.Fields()
	if child != nil {
		fields = child.Fields()
	}
	byName := map[string]kinds.Field{}
	var names []string
	for _, f := range fields {
		byName[f.Name] = f
		names = append(names, f.Name)
	}
	if child == nil && !k.Singleton {
		names = append(names, "state", "protect")
	}
	if k.Type != "" {
		names = append(names, "type")
	}
	for _, c := range k.Children {
		names = append(names, c.Field)
	}
	for f := range k.Files {
		names = append(names, f)
	}
	if k.CreateVia != nil {
		names = append(names, k.CreateVia.Field)
	}
	if len(k.Outputs) > 0 {
		names = append(names, "outputs")
	}
	ok, unknown := true, false
	for i := 0; i+1 < len(item.Content); i += 2 {
		key, val := item.Content[i], item.Content[i+1]
		switch {
		case key.Value == "type" && k.Type != "":
			continue
		case key.Value == "state" && child == nil && !k.Singleton:
			if val.Kind != yaml.ScalarNode {
				diags.add(pos(file, val), fmt.Sprintf("state: expected present or absent, not %s", gotOf(val, sc.isSensitive(val))))
				ok = false
			}
			e.State = State(val.Value) // checked by Validate
			continue
		case key.Value == "protect" && child == nil && !k.Singleton:
			if val.Kind != yaml.ScalarNode || (val.Value != "true" && val.Value != "false") {
				diags.add(pos(file, val), fmt.Sprintf("protect: expected true or false, not %s", gotOf(val, sc.isSensitive(val))))
				ok = false
			}
			e.Protect = val.Value == "true"
			continue
		}
		if key.Value == "outputs" && len(k.Outputs) > 0 {
			n := len(*diags)
			e.Outputs = entryOutputs(file, k, val, diags)
			ok = ok && len(*diags) == n
			continue
		}
		if c, isChild := k.ChildOf(key.Value); isChild {
			e.Children = childEntries(sc, e.Children, file, where+"."+key.Value, val, c, diags)
			continue
		}
		if handled, good := decodeExtra(sc, file, e, key, val, diags); handled {
			ok = ok && good
			continue
		}
		f, known := byName[key.Value]
		if !known {
			msg := fmt.Sprintf("unknown field %q for %s %s", key.Value, article(k.Label()), k.Label())
			if k.Singleton {
				msg = fmt.Sprintf("unknown field %q in the %s", key.Value, k.Label())
			}
			if why, gone := k.Gone[key.Value]; gone {
				msg = fmt.Sprintf("%s: %s", msg, why)
			} else if s := suggest.Closest(key.Value, names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			diags.add(pos(file, key), msg)
			ok, unknown = false, true
			continue
		}
		v, err := sc.fieldValue(f, val)
		if err != "" {
			diags.add(pos(file, val), fmt.Sprintf("%s: %s", f.Name, err))
			ok = false
			continue
		}
		// An unset variable is left as written (and reported already).
		// A mapping or list (a literal kubeconfig) is a literal too.
		if f.SensitiveOnly && !sc.isSensitive(val) && (val.Kind != yaml.ScalarNode || val.Value != "" && !strings.Contains(val.Value, "${")) {
			// The literal is not repeated: it is a secret all the same.
			diags.add(pos(file, val), fmt.Sprintf("%s is a secret and comes only from a sensitive variable: declare one under variables: (e.g. %s: {sensitive: true}) and write %s: ${%s}",
				f.Name, strings.ToUpper(f.Name), f.Name, strings.ToUpper(f.Name)))
			ok = false
			continue
		}
		e.Fields[f.Name] = v
	}
	if child != nil {
		var set []string
		for _, by := range child.ByFields() {
			if v, has := e.Fields[by].(string); has && v != "" {
				set = append(set, by)
				e.Key = child.Name(by, v)
			}
		}
		switch {
		case len(set) == 1:
		case unknown:
			ok = false // reported: an unknown field, most likely the misspelt reference
		case len(child.OneOf) == 0:
			diags.add(pos(file, item), fmt.Sprintf("%s: %s is required (the %s to bind)", where, child.By, byName[child.By].Ref))
			ok = false
		case len(set) == 0:
			diags.add(pos(file, item), fmt.Sprintf("%s: name what to bind: one of %s", where, strings.Join(child.OneOf, ", ")))
			ok = false
		default:
			diags.add(pos(file, item), fmt.Sprintf("%s: binds both %s; a binding names exactly one of %s, so split it in two", where, strings.Join(set, " and "), strings.Join(child.OneOf, ", ")))
			ok = false
		}
	} else if k.Singleton {
		e.Key = k.SingletonKey()
	} else if key, has := e.Fields[k.Key].(string); has && key != "" {
		e.Key = key
	} else if !unknown {
		diags.add(pos(file, item), fmt.Sprintf("%s: %s is required (the %s's key)", where, k.Key, k.Label()))
		ok = false
	} else {
		ok = false // reported: an unknown field, the key's misspelling most likely
	}
	if !ok {
		return nil
	}
	return e
}

// entryOutputs decodes an entry's outputs: (a token's), by a name of the
// admin's choice: each a mapping of format, file, secret_name and
// namespace, and each writes the kind's one output (kinds.Kind.Outputs).
func entryOutputs(file string, k *kinds.Kind, val *yaml.Node, diags *Diagnostics) map[string]*OutpostOutput {
	if val.Kind != yaml.MappingNode {
		diags.add(pos(file, val), fmt.Sprintf("outputs: expected a mapping of outputs, e.g. %s: {file: out.env}", k.Outputs[0]))
		return nil
	}
	out := map[string]*OutpostOutput{}
	keys := []string{"format", "file", "secret_name", "namespace"}
	for i := 0; i+1 < len(val.Content); i += 2 {
		name, body := val.Content[i], val.Content[i+1]
		o := &OutpostOutput{}
		if body.Kind != yaml.MappingNode {
			diags.add(pos(file, body), fmt.Sprintf("outputs.%s: expected a mapping, e.g. {file: out.env}", name.Value))
			continue
		}
		for j := 0; j+1 < len(body.Content); j += 2 {
			fk, fv := body.Content[j], body.Content[j+1]
			if fv.Kind != yaml.ScalarNode {
				diags.add(pos(file, fv), fmt.Sprintf("outputs.%s.%s: expected a string", name.Value, fk.Value))
				continue
			}
			switch fk.Value {
			case "format":
				o.Format = fv.Value
			case "file":
				o.File = fv.Value
			case "secret_name":
				o.SecretName = fv.Value
			case "namespace":
				o.Namespace = fv.Value
			default:
				msg := fmt.Sprintf("outputs.%s: unknown field %q", name.Value, fk.Value)
				if s := suggest.Closest(fk.Value, keys); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				}
				diags.add(pos(file, fk), msg)
			}
		}
		switch {
		case o.File == "":
			diags.add(pos(file, name), fmt.Sprintf("outputs.%s: file is required (where apply writes it)", name.Value))
		case o.File == "-":
			diags.add(pos(file, name), fmt.Sprintf("outputs.%s: a %s's output is secret and never printed; give a file", name.Value, k.Label()))
		}
		if o.Format != "" && o.Format != "dotenv" && o.Format != "json" && o.Format != "kubernetes-secret" {
			diags.add(pos(file, name), fmt.Sprintf("outputs.%s: format %q is not one of dotenv, json, kubernetes-secret", name.Value, o.Format))
		}
		out[name.Value] = o
	}
	return out
}

func childEntries(sc *scope, into map[string][]*Entry, file, where string, val *yaml.Node, c kinds.Child, diags *Diagnostics) map[string][]*Entry {
	if into == nil {
		into = map[string][]*Entry{}
	}
	list := []*Entry{}
	if val.Kind != yaml.SequenceNode {
		if val.Tag != "!!null" {
			diags.add(pos(file, val), fmt.Sprintf("%s: expected a list, e.g. - {%s: name, order: 10}", where, c.ByFields()[0]))
			return into
		}
	}
	seen := map[string]Position{}
	for i, item := range val.Content {
		w := fmt.Sprintf("%s[%d]", where, i)
		if item.Kind != yaml.MappingNode {
			diags.add(pos(file, item), fmt.Sprintf("%s: expected a mapping, e.g. - {%s: name, order: 10}", w, c.ByFields()[0]))
			continue
		}
		e := decodeEntry(sc, file, w, item, c.Kind, &c, diags)
		if e == nil {
			continue
		}
		if p, dup := seen[e.Key]; dup {
			by, key := c.Ident(e.Fields)
			diags.add(e.Src.Pos, fmt.Sprintf("%s: %s %q is already listed at %s; list each once", w, by, key, p))
			continue
		}
		seen[e.Key] = e.Src.Pos
		list = append(list, e)
	}
	into[c.Field] = list
	return into
}

// fieldValue reads a field's YAML value as its type wants; the error is the
// rest of a sentence ("must be true or false").
func fieldValue(f kinds.Field, n *yaml.Node, sensitive bool) (any, string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	v, err := fieldValueOf(f, n, sensitive)
	if strings.HasPrefix(err, "expected") {
		err += ", not " + gotOf(n, sensitive)
	}
	return v, err
}

func fieldValueOf(f kinds.Field, n *yaml.Node, sensitive bool) (any, string) {
	if n.Tag == "!!null" {
		if f.Nullable {
			return nil, ""
		}
		return nil, "expected a value"
	}
	scalar := func() (string, string) {
		if n.Kind != yaml.ScalarNode {
			return "", "expected " + f.Type.String()
		}
		return n.Value, ""
	}
	switch f.Type {
	case kinds.Bool:
		// A ${VAR} substituted is a string: its text decides.
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" && !(n.Tag == "!!str" && (n.Value == "true" || n.Value == "false")) {
			return nil, "expected true or false"
		}
		return n.Value == "true", ""
	case kinds.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" && n.Tag != "!!str" {
			return nil, "expected a whole number"
		}
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			return nil, "expected a whole number"
		}
		return i, ""
	case kinds.Number:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float" && n.Tag != "!!str") {
			return nil, "expected a number"
		}
		x, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return nil, "expected a number"
		}
		return x, ""
	case kinds.StringList, kinds.RefList:
		if n.Kind != yaml.SequenceNode {
			return nil, fmt.Sprintf("expected a list, e.g. %s: [a, b]", f.Name)
		}
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, fmt.Sprintf("expected a list of strings, e.g. %s: [a, b]", f.Name)
			}
			if len(f.Enum) > 0 && !slices.Contains(f.Enum, c.Value) {
				return nil, enumMsg(c.Value, f.Enum, sensitive)
			}
			out = append(out, c.Value)
		}
		return out, ""
	case kinds.PermissionList:
		return permissionList(f, n)
	case kinds.Object:
		var v any
		if sensitive && f.SensitiveOnly && n.Kind == yaml.ScalarNode {
			// A secret mapping (a kubeconfig) is a sensitive variable's
			// YAML or JSON text. The parser's message is not repeated: it
			// quotes the text.
			if err := yaml.Unmarshal([]byte(n.Value), &v); err != nil {
				return nil, "the sensitive variable's value is not YAML or JSON text"
			}
			if _, ok := v.(map[string]any); !ok {
				return nil, "the sensitive variable's value is not a mapping (YAML or JSON)"
			}
			return v, ""
		}
		if err := n.Decode(&v); err != nil {
			return nil, "expected a value YAML can read (" + strings.TrimPrefix(err.Error(), "yaml: ") + ")"
		}
		return v, ""
	}
	s, err := scalar()
	if err != "" {
		return nil, err
	}
	if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
		return nil, enumMsg(s, f.Enum, sensitive)
	}
	return s, ""
}

// enumMsg refuses a value not in enum; a sensitive value is neither
// quoted nor used for a suggestion (which would hint at it).
func enumMsg(v string, enum []string, sensitive bool) string {
	if sensitive {
		return fmt.Sprintf("(sensitive) is not one of %s", strings.Join(enum, ", "))
	}
	msg := fmt.Sprintf("%q is not one of %s", v, strings.Join(enum, ", "))
	if s := suggest.Closest(v, enum); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return msg
}

// validateEntries checks what spans entries: one entry per key in a family,
// and references to descriptor kinds the manifest declares absent.
func validateEntries(v *validation) {
	seen := map[string]*Entry{}
	unique := map[string]*Entry{} // kind, field, value
	for _, e := range v.m.Entries {
		id := e.Kind.Name + "\x00" + e.Key
		if prev, ok := seen[id]; ok {
			v.ds.add(e.Src.Pos, fmt.Sprintf("%s is already declared at %s; declare each %s once", e.Label(), prev.Src.Pos, kinds.NounOf(e.Kind.Name)))
			continue
		}
		seen[id] = e
		checkState(&v.ds, e.State, e.Src)
		if e.Kind.Check != nil {
			fields := e.Fields
			if e.Via != nil {
				fields = maps.Clone(e.Fields)
				fields[e.Kind.CreateVia.Field] = e.Via
			}
			for _, p := range e.Kind.Check(e.Key, fields, e.State.IsAbsent()) {
				at := e.Src.Pos
				if p.Field != "" {
					at = e.Src.At(p.Field)
				}
				v.ds.add(at, fmt.Sprintf("%s: %s", e.Label(), p.Msg))
			}
		}
		if e.State.IsAbsent() {
			continue
		}
		for f, digest := range e.Kind.Digests {
			val, ok := e.Fields[f].(string)
			if !ok {
				continue
			}
			if _, err := digest(val); err != nil {
				name := f
				if ff := e.FromFile[f]; ff != "" {
					name = ff
				}
				v.ds.add(e.Src.At(name), fmt.Sprintf("%s: %s %v", e.Label(), name, err))
			}
		}
		for _, f := range e.Kind.Python {
			code, _ := e.Fields[f].(string)
			if strings.TrimSpace(code) == "" {
				continue
			}
			if err := pyexpr.CheckExpression(strings.TrimSpace(code)); err != nil {
				// authentik compiles expressions on save; the same checks
				// here refuse the common syntax errors before any write.
				where := ""
				if err.Line > 1 {
					where = fmt.Sprintf(" (line %d of the expression)", err.Line-1)
				}
				v.ds.add(e.Src.At(f), fmt.Sprintf("%s: %s does not compile, so authentik would refuse it: %s%s", e.Label(), f, err.Msg, where))
			}
		}
		for _, f := range e.Kind.Unique {
			val, ok := e.Fields[f].(string)
			if !ok || val == "" {
				continue
			}
			uid := e.Kind.Name + "\x00" + f + "\x00" + val
			if prev, dup := unique[uid]; dup {
				v.ds.add(e.Src.At(f), fmt.Sprintf("%s: %s %q is already declared by %s (%s); each %s needs its own", e.Label(), f, val, prev.Label(), prev.Src.At(f), kinds.NounOf(e.Kind.Name)))
				continue
			}
			unique[uid] = e
		}
	}
}

// isSensitive reports whether a sensitive variable's value was substituted
// into n (its value is then never printed).
func (sc *scope) isSensitive(n *yaml.Node) bool {
	if sc == nil {
		return false
	}
	_, ok := sc.sensitiveNodes[n]
	return ok
}

// takeHostedChildren decodes the engine's child lists declared on entries
// of hand-written kinds (kinds.Hosts: an application's policies:) and
// removes them from root, which is then decoded into the typed sections.
func takeHostedChildren(sc *scope, file string, root *yaml.Node, diags *Diagnostics) []*Entry {
	if root.Kind != yaml.MappingNode {
		return nil
	}
	var out []*Entry
	for _, h := range kinds.Hosts {
		seq := valueOf(root, h.Section)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for i, item := range seq.Content {
			if item.Kind != yaml.MappingNode {
				continue
			}
			where := fmt.Sprintf("%s[%d]", h.Section, i)
			var e *Entry
			kept := item.Content[:0:0]
			for j := 0; j+1 < len(item.Content); j += 2 {
				key, val := item.Content[j], item.Content[j+1]
				c, isChild := h.ChildOf(key.Value)
				if !isChild {
					kept = append(kept, key, val)
					continue
				}
				if e == nil {
					e = &Entry{Kind: h, Fields: map[string]any{}, Src: sourceOf(file, item)}
					if k := valueOf(item, h.Key); k != nil && k.Kind == yaml.ScalarNode {
						e.Key = k.Value
					}
					if st := valueOf(item, "state"); st != nil {
						e.State = State(st.Value)
					}
				}
				e.Children = childEntries(sc, e.Children, file, where+"."+key.Value, val, c, diags)
			}
			item.Content = kept
			if e != nil {
				out = append(out, e)
			}
		}
	}
	return out
}

// HostedOf returns the engine children declared on a hand-written kind's
// entry (an application's policies:), nil when it declares none.
func (m *Manifest) HostedOf(kind, key string) *Entry {
	for _, e := range m.Hosted {
		if e.Kind.Name == kind && e.Key == key {
			return e
		}
	}
	return nil
}

// permissionList reads a role's permissions: each item a codename, or a
// mapping {permission: codename, <kind>: key} naming a permission on one
// object, read as kinds.ObjectPermission (the kind is checked by the
// role's Check).
func permissionList(f kinds.Field, n *yaml.Node) (any, string) {
	example := fmt.Sprintf("e.g. %s: [authentik_core.view_user, {permission: view_application, application: corp-app}]", f.Name)
	if n.Kind != yaml.SequenceNode {
		return nil, "expected a list, " + example
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if c.Kind == yaml.AliasNode {
			c = c.Alias
		}
		switch c.Kind {
		case yaml.ScalarNode:
			out = append(out, c.Value)
			continue
		case yaml.MappingNode:
		default:
			return nil, "expected a codename or a mapping for each permission, " + example
		}
		var perm, kind, key string
		for i := 0; i+1 < len(c.Content); i += 2 {
			k, v := c.Content[i], c.Content[i+1]
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				return nil, fmt.Sprintf("%s: expected a string, %s", k.Value, example)
			}
			switch {
			case k.Value == "permission":
				perm = v.Value
			case kind != "":
				return nil, fmt.Sprintf("a permission names one object, not a %s and a %s, %s", kind, k.Value, example)
			default:
				kind, key = k.Value, v.Value
			}
		}
		if perm == "" || kind == "" {
			return nil, "a permission on an object needs permission: and the object's kind and key, " + example
		}
		out = append(out, kinds.ObjectPermission(perm, kind, key))
	}
	return out, ""
}

// article is "an" before a vowel, else "a".
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeio", rune(noun[0])) {
		return "an"
	}
	return "a"
}
