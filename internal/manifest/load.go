package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/suggest"
)

// LookupEnv reads a variable for ${VAR} substitution (os.LookupEnv in production).
type LookupEnv func(string) (string, bool)

// LoadAll reads a manifest file, or every *.yaml/*.yml file of a directory
// (in name order, merged). Decoding is strict: unknown keys, wrong types,
// undefined ${VAR}s are all reported, each with file:line:column, in the
// diagnostics. The manifest is returned despite them (unknown keys
// ignored) so Validate can report its own problems too; it is nil when a
// file could not be decoded at all. err is for unreadable files.
func LoadAll(path string, env LookupEnv) (*Manifest, Diagnostics, error) {
	files, err := manifestFiles(path)
	if err != nil {
		return nil, nil, err
	}
	decoded := true
	merged := &Manifest{Version: Version}
	var diags Diagnostics
	for _, f := range files {
		data, err := readManifestFile(path, f)
		if err != nil {
			return nil, nil, err
		}
		m, ds := Parse(f, data, env)
		diags = append(diags, ds...)
		if m == nil {
			decoded = false
			continue
		}
		if m.Authentik != nil {
			if merged.Authentik != nil {
				diags.add(m.Authentik.Src.Pos, fmt.Sprintf("authentik: is already declared at %s; declare it in one manifest file", merged.Authentik.Src.Pos))
			} else {
				merged.Authentik = m.Authentik
			}
		}
		mergeSections(merged, m)
		merged.Entries = append(merged.Entries, m.Entries...)
		merged.Hosted = append(merged.Hosted, m.Hosted...)
		mergeStack(merged, m, &diags)
		mergeVariables(merged, m)
		for l := range m.unresolved {
			if merged.unresolved == nil {
				merged.unresolved = map[lineOf]bool{}
			}
			merged.unresolved[l] = true
		}
	}
	if !decoded {
		return nil, diags, nil
	}
	return merged, diags, nil
}

// readManifestFile reads file, one of manifestFiles(path). A file of a
// directory is read inside it (os.Root): a symbolic link that leads out of
// the directory (a pull request's link to a runner's file) is refused.
func readManifestFile(path, file string) ([]byte, error) {
	if file == path {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read manifest: %w", err)
		}
		return data, nil
	}
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	defer root.Close()
	data, err := root.ReadFile(filepath.Base(file))
	if err != nil {
		if info, lerr := os.Lstat(file); lerr == nil && info.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("manifest file %s is a symbolic link that leads out of the directory %s; provision reads only the directory's own files", file, path)
		}
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return data, nil
}

func manifestFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missingManifest(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	for _, pattern := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(path, pattern))
		if err != nil {
			return nil, fmt.Errorf("list manifests in %s: %w", path, err)
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.yaml or *.yml manifest files in directory %s", path)
	}
	return files, nil
}

// Parse decodes one manifest document. It returns the manifest (nil when it
// could not be decoded at all) and every problem found.
func Parse(file string, data []byte, env LookupEnv) (*Manifest, Diagnostics) {
	var diags Diagnostics
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, append(diags, syntaxDiagnostic(file, data, err)) // yamlhint.go
	}
	// A second document would be ignored by the decoder: refuse it, rather
	// than apply half of what the file says.
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		diags.add(Position{File: file, Line: max(next.Line-1, 1), Column: 1}, "a second YAML document (after ---): a manifest file holds one; split it into two files of a directory, or remove the ---")
		return nil, diags
	}
	if len(doc.Content) == 0 {
		diags.add(Position{File: file, Line: 1, Column: 1}, "empty manifest: expected \"version: 1\"")
		return nil, diags
	}
	root := doc.Content[0]
	sc := declaredVariables(file, root, env, &diags)
	substituteVariables(sc, root, &diags)
	if root.Kind != yaml.MappingNode {
		diags.add(pos(file, root), "a manifest is a mapping of sections (version: 1, groups:, providers:, applications:, …), not "+gotOf(root, len(sc.sensitiveNodes) > 0))
		return nil, diags
	}
	entries := takeEntrySections(sc, file, root, &diags)
	hosted := takeHostedChildren(sc, file, root, &diags)
	checkKeys(file, root, reflect.TypeOf(Manifest{}), "", &diags)
	// Shape errors in manifest terms (shape.go); when there are any, the
	// decode's type errors would only repeat them in Go terms.
	shapeErrors := sc.checkShapes(root, reflect.TypeOf(Manifest{}), "", "", &diags)

	var m Manifest
	if err := root.Decode(&m); err != nil || shapeErrors {
		var te *yaml.TypeError
		switch {
		case err == nil:
		case errors.As(err, &te) && shapeErrors:
			// said already, in manifest terms
		case errors.As(err, &te):
			for _, msg := range te.Errors {
				diags = append(diags, sc.hideValue(typeDiagnostic(file, msg)))
			}
		default:
			diags.add(pos(file, root), yamlMessage(err))
		}
		return nil, diags
	}
	switch {
	case !hasKey(root, "version"):
		diags.add(pos(file, root), "missing \"version: 1\"")
	case m.Version != Version:
		diags.add(keyPos(file, root, "version"), fmt.Sprintf("unsupported version %d: this build reads version %d", m.Version, Version))
	}
	recordSources(file, root, &m)
	m.Entries = entries
	m.Hosted = hosted
	if hasKey(root, "stack") {
		m.StackPos = keyPos(file, root, "stack")
	}
	if m.Authentik != nil {
		m.Authentik.Src = sourceOf(file, valueOf(root, "authentik"))
	}
	m.sensitive = sc.sensitive
	for n := range sc.unresolved {
		if m.unresolved == nil {
			m.unresolved = map[lineOf]bool{}
		}
		m.unresolved[lineOf{file, n.Line}] = true
	}
	return &m, diags
}

// takeEntrySections decodes the descriptor kinds' sections and removes
// them from root, which is then decoded into the typed sections.
func takeEntrySections(sc *scope, file string, root *yaml.Node, diags *Diagnostics) []*Entry {
	if root.Kind != yaml.MappingNode {
		return nil
	}
	var out []*Entry
	kept := root.Content[:0:0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		if !isEntrySection(key.Value) {
			kept = append(kept, key, val)
			continue
		}
		if _, typed := yamlFields(reflect.TypeOf(Manifest{}))[key.Value]; typed {
			// A section hand-written kinds share (providers:): the
			// entries whose type: is a descriptor's are the engine's.
			out = append(out, takeTypedEntries(sc, file, key.Value, val, diags)...)
			kept = append(kept, key, val)
			continue
		}
		out = append(out, decodeEntries(sc, file, key.Value, val, diags)...)
	}
	root.Content = kept
	return out
}

// envRef matches ${NAME}; $${ is an escaped literal "${".
var envRef = regexp.MustCompile(`\$\$\{|\$\{([^}]*)\}`)

// substituteVariables replaces ${NAME} in every scalar value outside the
// variables: section with the declared variable's value. Each problem (a
// malformed reference, an undeclared or reserved variable, one unset, a
// sensitive one in a user-visible field) is an error at the scalar.
func substituteVariables(sc *scope, root *yaml.Node, diags *Diagnostics) {
	if root.Kind != yaml.MappingNode {
		substituteEnv(sc, root, "", diags)
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "variables" {
			continue
		}
		substituteEnv(sc, root.Content[i+1], root.Content[i].Value, diags)
	}
}

// substituteEnv substitutes in n, the value (or part of the value) of key.
func substituteEnv(sc *scope, n *yaml.Node, key string, diags *Diagnostics) {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			if ref == "$${" {
				return "${"
			}
			name := ref[2 : len(ref)-1]
			if !validEnvName(name) {
				diags.add(pos(sc.file, n), fmt.Sprintf("invalid variable reference %q: use ${NAME} with letters, digits and _", ref))
				sc.unresolved[n] = true
				return ref
			}
			v, ok := sc.lookup(name, key, n, diags)
			if !ok {
				sc.unresolved[n] = true
				return ref
			}
			return v
		})
		if n.Tag == "!!str" || n.Style != 0 {
			return
		}
		// A substituted plain scalar is a string, whatever it looks like.
		n.Tag = "!!str"
		return
	}
	if n.Kind == yaml.AliasNode {
		sc.checkAlias(n, key, diags)
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			substituteEnv(sc, n.Content[i+1], n.Content[i].Value, diags)
		}
		return
	}
	for _, c := range n.Content {
		substituteEnv(sc, c, key, diags)
	}
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func validEnvName(s string) bool { return envName.MatchString(s) }

// checkKeys reports keys that the Go type t does not know, with a suggestion.
func checkKeys(file string, n *yaml.Node, t reflect.Type, where string, diags *Diagnostics) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // a type error, reported by Decode
		}
		known := yamlFields(t)
		names := make([]string, 0, len(known))
		for k := range known {
			names = append(names, k)
		}
		if where == "" && t == reflect.TypeOf(Manifest{}) {
			names = append(names, kinds.Sections()...)
		}
		sort.Strings(names)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			ft, ok := known[key.Value]
			if !ok {
				msg := fmt.Sprintf("unknown field %q%s", key.Value, where)
				if hint := nestedFieldHint(n, t, key.Value); hint != "" {
					msg += "; " + hint
				} else if s := suggest.Closest(key.Value, names); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				}
				diags.add(pos(file, key), msg)
				continue
			}
			checkKeys(file, val, ft, " in "+key.Value, diags)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for _, c := range n.Content {
			checkKeys(file, c, t.Elem(), where, diags)
		}
	}
}

// nestedFieldHint explains an unknown key of struct t that is a field of
// one of t's own fields: a key indented one level too shallow ("groups:"
// beside "access:" instead of under it). A near-miss of t's own field names
// ("group") would be the wrong suggestion then.
func nestedFieldHint(n *yaml.Node, t reflect.Type, key string) string {
	fields := yamlFields(t)
	holds := func(ft reflect.Type) bool {
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() != reflect.Struct {
			return false
		}
		_, ok := yamlFields(ft)[key]
		return ok
	}
	// A field declared in this mapping first, the nearest one above.
	at := -1
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			at = i
		}
	}
	for i := at - 2; i >= 0; i -= 2 {
		k := n.Content[i]
		if ft, ok := fields[k.Value]; ok && holds(ft) {
			return fmt.Sprintf("%q is a field of %s: indent it under %q (line %d)", key, k.Value, k.Value+":", k.Line)
		}
	}
	var owners []string
	for _, k := range YAMLKeys(t) {
		if holds(k.Field.Type) {
			owners = append(owners, k.Key)
		}
	}
	if len(owners) == 1 {
		return fmt.Sprintf("%q is a field of %s: write it indented under %q", key, owners[0], owners[0]+":")
	}
	return ""
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for _, k := range YAMLKeys(t) {
		fields[k.Key] = k.Field.Type
	}
	return fields
}

// sections lists the manifest's sections: every slice field, by YAML key.
func sections(m *Manifest) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	v := reflect.ValueOf(m).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Type.Kind() != reflect.Slice {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		out[name] = v.Field(i)
	}
	return out
}

// mergeSections appends every section of m to merged.
func mergeSections(merged, m *Manifest) {
	into := sections(merged)
	for key, from := range sections(m) {
		into[key].Set(reflect.AppendSlice(into[key], from))
	}
}

// recordSources sets each entry's Src from the nodes it was decoded from.
func recordSources(file string, root *yaml.Node, m *Manifest) {
	secs := sections(m)
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, seq := root.Content[i].Value, root.Content[i+1]
		sec, ok := secs[key]
		if !ok || seq.Kind != yaml.SequenceNode {
			continue
		}
		for j, item := range seq.Content {
			if j >= sec.Len() {
				break
			}
			if src := sec.Index(j).FieldByName("Src"); src.IsValid() {
				src.Set(reflect.ValueOf(sourceOf(file, item)))
			}
		}
	}
}

func sourceOf(file string, n *yaml.Node) Source {
	s := Source{Pos: pos(file, n), fields: map[string]Position{}}
	recordFields(file, n, "", s.fields, 0)
	return s
}

func recordFields(file string, n *yaml.Node, prefix string, into map[string]Position, depth int) {
	if depth > 4 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := prefix + n.Content[i].Value
			into[k] = pos(file, n.Content[i])
			recordFields(file, n.Content[i+1], k+".", into, depth+1)
		}
	case yaml.SequenceNode:
		base := strings.TrimSuffix(prefix, ".")
		for i, c := range n.Content {
			k := base + "[" + strconv.Itoa(i) + "]"
			into[k] = pos(file, c)
			recordFields(file, c, k+".", into, depth+1)
		}
	}
}

func pos(file string, n *yaml.Node) Position {
	return Position{File: file, Line: n.Line, Column: n.Column}
}

// valueOf returns the value of key in mapping n, or nil.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func hasKey(n *yaml.Node, key string) bool { return valueOf(n, key) != nil }

func keyPos(file string, n *yaml.Node, key string) Position {
	if v := valueOf(n, key); v != nil {
		return pos(file, v)
	}
	return pos(file, n)
}

// lineRE splits yaml.v3's "yaml: line N: msg" (type and syntax errors).
var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// typeDiagnostic is the fallback for a decode type error checkShapes did
// not foresee: yaml.v3's message names Go types ("into manifest.Output"),
// so only its line and the value given are kept.
func typeDiagnostic(file, msg string) Diagnostic {
	d := Diagnostic{Pos: Position{File: file}}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		d.Pos.Line, d.Pos.Column = line, 1
		msg = m[2]
	}
	d.Msg = "this value has the wrong shape for its field"
	if v := quotedValue.FindString(msg); v != "" {
		d.Msg += " (" + v + ")"
	}
	return d
}

func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return "invalid YAML: " + msg
}

// missingManifest is the one-sentence error for a manifest path that does
// not exist; it still matches fs.ErrNotExist.
type missingManifest string

func (m missingManifest) Error() string { return fmt.Sprintf("manifest %s does not exist", string(m)) }
func (m missingManifest) Unwrap() error { return fs.ErrNotExist }
