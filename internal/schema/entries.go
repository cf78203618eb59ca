package schema

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/provision/provision/internal/kinds"
)

// The descriptor kinds' sections (internal/kinds): their schema and
// reference come from the descriptors, as their loading does.

// entrySections adds each descriptor section to the top-level properties:
// a list of entries, one schema per member type in a family.
func entrySections(props, defs map[string]any) {
	for _, sec := range kinds.Sections() {
		members := kinds.InSection(sec)
		if len(members) == 1 && members[0].Singleton {
			// One mapping, not a list (system_settings:).
			obj := entrySchema(members[0], nil)
			obj["description"] = members[0].Doc
			props[sec] = obj
			continue
		}
		var item map[string]any
		if len(members) == 1 && members[0].Type == "" {
			item = entrySchema(members[0], nil)
		} else {
			var types []any
			var alts []any
			for _, k := range members {
				types = append(types, k.Type)
				alts = append(alts, map[string]any{
					"if":   map[string]any{"properties": map[string]any{"type": map[string]any{"const": k.Type}}, "required": []string{"type"}},
					"then": entrySchema(k, nil),
				})
			}
			item = map[string]any{"type": "object", "required": []string{"type", members[0].Key},
				"properties": map[string]any{"type": map[string]any{"enum": types, "description": "The " + members[0].Name + "'s type."}},
				"allOf":      alts}
		}
		if typed, ok := props[sec].(map[string]any); ok {
			// A section hand-written kinds share (providers:): an entry
			// is one of theirs or one of the descriptors', by its type:.
			typed["items"] = map[string]any{"anyOf": []any{typed["items"], item}}
			continue
		}
		props[sec] = map[string]any{"type": "array", "items": item,
			"description": fmt.Sprintf("%s entries: %s", kinds.InSection(sec)[0].Name, members[0].Doc)}
	}
	// Child lists on hand-written kinds' entries (an application's
	// policies:).
	for _, h := range kinds.Hosts {
		sec, _ := props[h.Section].(map[string]any)
		item, _ := sec["items"].(map[string]any)
		if ref, ok := item["$ref"].(string); ok {
			item, _ = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
		ip, _ := item["properties"].(map[string]any)
		if ip == nil {
			continue
		}
		for _, c := range h.Children {
			ip[c.Field] = map[string]any{"type": "array", "items": entrySchema(c.Kind, &c),
				"description": fmt.Sprintf("%ss: %s", c.Kind.Name, c.Kind.Doc)}
		}
	}
}

// entrySchema is the schema of one kind's entry (or a child's, without
// its parent field).
func entrySchema(k *kinds.Kind, child *kinds.Child) map[string]any {
	props := map[string]any{}
	fields := k.Fields()
	if child != nil {
		fields = child.Fields()
	} else if !k.Singleton {
		props["state"] = map[string]any{"enum": []any{"present", "absent"}, "description": "absent deletes the object."}
		props["protect"] = map[string]any{"type": "boolean", "description": protectDoc}
	}
	if k.Type != "" {
		props["type"] = map[string]any{"const": k.Type}
	}
	for _, f := range fields {
		props[f.Name] = fieldSchema(f)
	}
	if child == nil {
		for _, f := range k.ExtraFields() {
			props[f.Name] = fieldSchema(f)
		}
		if v := k.CreateVia; v != nil {
			via := map[string]any{}
			for _, f := range v.ViaFields() {
				via[f.Name] = fieldSchema(f)
			}
			props[v.Field] = map[string]any{"type": "object", "properties": via, "additionalProperties": false, "description": v.Doc}
		}
	}
	for _, c := range k.Children {
		props[c.Field] = map[string]any{"type": "array", "items": entrySchema(c.Kind, &c),
			"description": fmt.Sprintf("%s, each naming a %s by its key: %s", c.Kind.Name+"s", c.By, c.Kind.Doc)}
	}
	if len(k.Outputs) > 0 && child == nil {
		str := map[string]any{"type": "string"}
		props["outputs"] = map[string]any{"type": "object", "description": entryOutputsDoc(k),
			"additionalProperties": map[string]any{"type": "object", "additionalProperties": false, "required": []string{"file"},
				"properties": map[string]any{"file": str, "secret_name": str, "namespace": str,
					"format": map[string]any{"enum": []any{"dotenv", "json", "kubernetes-secret"}}}}}
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if child != nil && len(child.OneOf) == 0 {
		out["required"] = []string{child.By}
	} else if child != nil {
		var one []any
		for _, f := range child.OneOf {
			one = append(one, map[string]any{"required": []string{f}})
		}
		out["oneOf"] = one
	} else if k.Key != "" {
		out["required"] = []string{k.Key}
	}
	return out
}

func fieldSchema(f kinds.Field) map[string]any {
	s := map[string]any{}
	switch f.Type {
	case kinds.Bool:
		s["anyOf"] = []any{map[string]any{"type": "boolean"}, varRef}
	case kinds.Int:
		s["anyOf"] = []any{map[string]any{"type": "integer"}, varRef}
	case kinds.Number:
		s["anyOf"] = []any{map[string]any{"type": "number"}, varRef}
	case kinds.StringList, kinds.RefList:
		item := map[string]any{"type": "string"}
		if len(f.Enum) > 0 {
			item["enum"] = anyStrings(f.Enum)
		}
		s["type"], s["items"] = "array", item
	case kinds.PermissionList:
		s["type"] = "array"
		s["items"] = map[string]any{"anyOf": []any{
			map[string]any{"type": "string", "description": "A global permission, app_label.codename."},
			map[string]any{"type": "object", "required": []string{"permission"}, "minProperties": 2, "maxProperties": 2,
				"properties":           map[string]any{"permission": map[string]any{"type": "string"}},
				"additionalProperties": map[string]any{"type": "string"},
				"description":          "A permission on one object: permission, and the object's kind (" + strings.Join(kinds.PermissionTargets(), ", ") + ") with its key."},
		}}
	case kinds.Object:
	default:
		s["type"] = "string"
		if len(f.Enum) > 0 {
			s["enum"] = anyStrings(f.Enum)
		}
	}
	if alts, ok := s["anyOf"].([]any); ok && f.Nullable {
		s["anyOf"] = append(alts, map[string]any{"type": "null"})
	}
	if f.Nullable && s["type"] != nil {
		s["type"] = []any{s["type"], "null"}
		if e, ok := s["enum"].([]any); ok {
			s["enum"] = append(e, nil)
		}
	}
	if d := fieldDoc(f); d != "" {
		s["description"] = d
	}
	return s
}

func fieldDoc(f kinds.Field) string {
	var parts []string
	if f.Doc != "" {
		parts = append(parts, f.Doc)
	}
	if f.Ref != "" {
		parts = append(parts, fmt.Sprintf("A %s, by its key.", f.Ref))
	}
	switch {
	case f.Secret && f.ReadWhenDeclared:
		parts = append(parts, "Secret: from a sensitive variable; authentik returns it, so a plan compares it (masked) and apply rotates it when the variable changes.")
	case f.Secret && !f.SensitiveOnly:
		parts = append(parts, "Secret: write-only, masked in every output.")
	case f.Secret && f.Once:
		parts = append(parts, "Secret: from a sensitive variable.")
	case f.Secret:
		parts = append(parts, "Secret: write-only, from a sensitive variable; authentik never returns it, so a plan cannot see it change: it is sent when the object is created.")
	}
	if f.Code {
		parts = append(parts, "Runs on the server: plans show it whole.")
	}
	if f.Required {
		parts = append(parts, "Required to create.")
	}
	if f.HasDefault {
		parts = append(parts, fmt.Sprintf("Default: %v.", f.Default))
	}
	return strings.Join(parts, " ")
}

func anyStrings(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// entryMarkdown writes the descriptor sections' reference.
func entryMarkdown(b *bytes.Buffer) {
	for _, sec := range kinds.Sections() {
		for _, k := range kinds.InSection(sec) {
			title := fmt.Sprintf("`%s`", sec)
			if k.Type != "" {
				title = fmt.Sprintf("`%s` of type `%s`", sec, k.Type)
			}
			if k.Singleton {
				fmt.Fprintf(b, "## %s\n\n%s A mapping, not a list: the one object of its kind (`/api/v3/%s`, read with GET and changed with PATCH), never created, deleted, owned by a stack or pruned. Fields are authentik's own; a field left out is left alone.\n\n", title, k.Doc, k.Path)
			} else {
				fmt.Fprintf(b, "## %s\n\n%s %s %s (authentik's `%s`, `/api/v3/%s`), keyed by `%s`. Fields are authentik's own; a field left out is left alone.\n\n", title, k.Doc, article(k.Label()), k.Label(), k.Model, k.Path, k.Key)
			}
			entryTable(b, append(k.Fields(), k.ExtraFields()...))
			if len(k.Outputs) > 0 {
				fmt.Fprintf(b, "### `outputs`\n\n%s\n\n", entryOutputsDoc(k))
			}
			childrenMarkdown(b, k, "")
		}
	}
	// Child lists of hand-written kinds' entries (an application's
	// entitlements:), and their own children.
	for _, h := range kinds.Hosts {
		fmt.Fprintf(b, "## `%s`: child lists\n\nLists an entry of `%s` may declare besides the fields above.\n\n", h.Section, h.Section)
		childrenMarkdown(b, h, h.Section+"[].")
	}
}

// childrenMarkdown documents a kind's child lists, and theirs, prefixed
// by where they sit.
func childrenMarkdown(b *bytes.Buffer, k *kinds.Kind, at string) {
	for _, c := range k.Children {
		by := fmt.Sprintf("a %s by key (`%s`)", c.By, c.By)
		if f, ok := c.Kind.Field(c.By); ok && f.Ref == "" {
			by = fmt.Sprintf("its own `%s`, unique within the %s", c.By, k.Label())
		}
		if len(c.OneOf) > 0 {
			by = "exactly one of `" + strings.Join(c.OneOf, "`, `") + "` (by name; a user by username)"
		}
		fmt.Fprintf(b, "### `%s%s`: %ss\n\n%s Each names %s; on a %s this stack created (not one of authentik's own) the list is the whole truth, otherwise it adds and updates only (what it leaves is shown as kept).\n\n", at, c.Field, c.Kind.Name, c.Kind.Doc, by, k.Label())
		entryTable(b, c.Fields())
		if at != "" {
			childrenMarkdown(b, c.Kind, at+c.Field+"[].")
		}
	}
}

// entryOutputsDoc describes a kind's outputs: (a token's).
func entryOutputsDoc(k *kinds.Kind) string {
	holds := k.OutputsDoc
	if holds == "" {
		holds = "A token's output holds AUTHENTIK_TOKEN (its key, read by apply through view_key; plans read it only when key: sets it) and AUTHENTIK_URL (the API URL provision used)."
	}
	return fmt.Sprintf("Files apply writes from the %s, by a name of your choice: each has file (required, 0600, relative to the manifest), format (dotenv, json or kubernetes-secret), secret_name and namespace. %s", k.Label(), holds)
}

func entryTable(b *bytes.Buffer, fields []kinds.Field) {
	b.WriteString("| key | type | description |\n|---|---|---|\n")
	for _, f := range fields {
		typ := f.Type.String()
		if len(f.Enum) > 0 {
			typ = "one of " + strings.Join(f.Enum, ", ")
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", f.Name, escape(typ), escape(fieldDoc(f)))
	}
	b.WriteString("\n")
}

// article is "An" before a vowel, else "A".
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeio", rune(noun[0])) {
		return "An"
	}
	return "A"
}
