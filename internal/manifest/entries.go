package manifest

import (
	"fmt"
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
	Src      Source
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
func decodeEntries(file, section string, seq *yaml.Node, diags *Diagnostics) []*Entry {
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
		if e := decodeEntry(file, where, item, k, nil, diags); e != nil {
			out = append(out, e)
		}
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
	msg := fmt.Sprintf("%s: unknown %s type %q", where, family[0].Name, tn.Value)
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
func decodeEntry(file, where string, item *yaml.Node, k *kinds.Kind, child *kinds.Child, diags *Diagnostics) *Entry {
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
	if child == nil {
		names = append(names, "state")
	}
	if k.Type != "" {
		names = append(names, "type")
	}
	for _, c := range k.Children {
		names = append(names, c.Field)
	}
	ok := true
	for i := 0; i+1 < len(item.Content); i += 2 {
		key, val := item.Content[i], item.Content[i+1]
		switch {
		case key.Value == "type" && k.Type != "":
			continue
		case key.Value == "state" && child == nil:
			st := State(val.Value)
			if val.Kind != yaml.ScalarNode || (st != Present && st != Absent) {
				diags.add(pos(file, val), fmt.Sprintf("%s: state must be present or absent", where))
				ok = false
			}
			e.State = st
			continue
		}
		if c, isChild := k.ChildOf(key.Value); isChild && child == nil {
			e.Children = childEntries(e.Children, file, where+"."+key.Value, val, c, diags)
			continue
		}
		f, known := byName[key.Value]
		if !known {
			msg := fmt.Sprintf("%s: unknown field %q for a %s", where, key.Value, k.Label())
			if s := suggest.Closest(key.Value, names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			diags.add(pos(file, key), msg)
			ok = false
			continue
		}
		v, err := fieldValue(f, val)
		if err != "" {
			diags.add(pos(file, val), fmt.Sprintf("%s: %s %s", where, f.Name, err))
			ok = false
			continue
		}
		e.Fields[f.Name] = v
	}
	if child != nil {
		if by, has := e.Fields[child.By].(string); has {
			e.Key = by
		} else {
			diags.add(pos(file, item), fmt.Sprintf("%s: %s is required (the %s to bind)", where, child.By, byName[child.By].Ref))
			ok = false
		}
	} else if key, has := e.Fields[k.Key].(string); has && key != "" {
		e.Key = key
	} else {
		diags.add(pos(file, item), fmt.Sprintf("%s: %s is required (the %s's key)", where, k.Key, k.Label()))
		ok = false
	}
	if !ok {
		return nil
	}
	return e
}

func childEntries(into map[string][]*Entry, file, where string, val *yaml.Node, c kinds.Child, diags *Diagnostics) map[string][]*Entry {
	if into == nil {
		into = map[string][]*Entry{}
	}
	list := []*Entry{}
	if val.Kind != yaml.SequenceNode {
		if val.Tag != "!!null" {
			diags.add(pos(file, val), fmt.Sprintf("%s: expected a list, e.g. - {%s: name, order: 10}", where, c.By))
			return into
		}
	}
	seen := map[string]Position{}
	for i, item := range val.Content {
		w := fmt.Sprintf("%s[%d]", where, i)
		if item.Kind != yaml.MappingNode {
			diags.add(pos(file, item), fmt.Sprintf("%s: expected a mapping, e.g. - {%s: name, order: 10}", w, c.By))
			continue
		}
		e := decodeEntry(file, w, item, c.Kind, &c, diags)
		if e == nil {
			continue
		}
		if p, dup := seen[e.Key]; dup {
			diags.add(e.Src.Pos, fmt.Sprintf("%s: %s %q is already listed at %s; list each once", w, c.By, e.Key, p))
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
func fieldValue(f kinds.Field, n *yaml.Node) (any, string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		if f.Nullable {
			return nil, ""
		}
		return nil, "cannot be empty (null)"
	}
	scalar := func() (string, string) {
		if n.Kind != yaml.ScalarNode {
			return "", "must be " + f.Type.String()
		}
		return n.Value, ""
	}
	switch f.Type {
	case kinds.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return nil, "must be true or false"
		}
		return n.Value == "true", ""
	case kinds.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return nil, fmt.Sprintf("must be a whole number, e.g. %s: 10", f.Name)
		}
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			return nil, fmt.Sprintf("must be a whole number, e.g. %s: 10", f.Name)
		}
		return i, ""
	case kinds.Number:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
			return nil, "must be a number"
		}
		x, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return nil, "must be a number"
		}
		return x, ""
	case kinds.StringList, kinds.RefList:
		if n.Kind != yaml.SequenceNode {
			return nil, fmt.Sprintf("must be a list, e.g. %s: [a, b]", f.Name)
		}
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, fmt.Sprintf("must be a list of strings, e.g. %s: [a, b]", f.Name)
			}
			if len(f.Enum) > 0 && !slices.Contains(f.Enum, c.Value) {
				return nil, enumMsg(c.Value, f.Enum)
			}
			out = append(out, c.Value)
		}
		return out, ""
	case kinds.Object:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, "must be a mapping"
		}
		return v, ""
	}
	s, err := scalar()
	if err != "" {
		return nil, err
	}
	if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
		return nil, enumMsg(s, f.Enum)
	}
	return s, ""
}

func enumMsg(v string, enum []string) string {
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
			v.ds.add(e.Src.Pos, fmt.Sprintf("%s is already declared at %s; declare each %s once", e.Label(), prev.Src.Pos, e.Kind.Name))
			continue
		}
		seen[id] = e
		if e.Kind.Check != nil {
			for _, p := range e.Kind.Check(e.Key, e.Fields, e.State.IsAbsent()) {
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
				v.ds.add(e.Src.At(f), fmt.Sprintf("%s: %s %q is already declared by %s (%s); each %s needs its own", e.Label(), f, val, prev.Label(), prev.Src.At(f), e.Kind.Name))
				continue
			}
			unique[uid] = e
		}
	}
}
