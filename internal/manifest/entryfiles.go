package manifest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/kinds"
)

// Manifest fields of descriptor kinds that are not request fields: a field
// read from a file (kinds.Kind.Files) and a create-only action's mapping
// (kinds.Kind.CreateVia).

// readEntryFile reads a file an entry names, relative to the manifest's
// directory and confined to it as outputs are: no absolute path, no "..",
// no symbolic link on the way.
func readEntryFile(sc *scope, name string) (string, error) {
	base := "."
	if sc != nil && sc.file != "" && sc.file != "-" {
		base = filepath.Dir(sc.file)
	}
	if name == "" {
		return "", fmt.Errorf("is empty: name a file relative to the manifest")
	}
	if filepath.IsAbs(name) || !filepath.IsLocal(name) {
		return "", fmt.Errorf("file %s leaves the manifest's directory: give a path inside it (no absolute path, no '..')", name)
	}
	root, err := os.OpenRoot(base)
	if err != nil {
		return "", fmt.Errorf("cannot open the manifest's directory: %v", err)
	}
	defer root.Close()
	rel := filepath.Clean(name)
	parts := strings.Split(rel, string(filepath.Separator))
	for i := range parts {
		p := filepath.Join(parts[:i+1]...)
		info, err := root.Lstat(p)
		if err != nil {
			return "", fmt.Errorf("file %s cannot be read: it does not exist next to the manifest (%s)", name, filepath.Join(base, rel))
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("file %s is reached through a symbolic link (%s), which provision never follows", name, p)
		}
	}
	data, err := root.ReadFile(rel)
	if err != nil {
		return "", fmt.Errorf("file %s cannot be read: %v", name, err)
	}
	return string(data), nil
}

// decodeExtra decodes key: val when it is one of the kind's file fields or
// its create-only action's mapping; handled reports whether it was.
func decodeExtra(sc *scope, file string, e *Entry, key, val *yaml.Node, diags *Diagnostics) (handled, ok bool) {
	k := e.Kind
	if target, isFile := k.Files[key.Value]; isFile {
		if val.Kind != yaml.ScalarNode || val.Tag == "!!null" {
			diags.add(pos(file, val), fmt.Sprintf("%s: expected a file name, not %s", key.Value, gotOf(val, sc.isSensitive(val))))
			return true, false
		}
		if _, both := e.Fields[target]; both {
			diags.add(pos(file, key), fmt.Sprintf("%s: %s is already given; give one of %s and %s", key.Value, target, key.Value, target))
			return true, false
		}
		data, err := readEntryFile(sc, val.Value)
		if err != nil {
			diags.add(pos(file, val), fmt.Sprintf("%s: %v", key.Value, err))
			return true, false
		}
		e.Fields[target] = data
		if slices.Contains(k.SensitiveOnly, target) && sc != nil && strings.TrimSpace(data) != "" {
			// A secret read from a file (a private key) is masked in every
			// output, as a sensitive variable's value is.
			sc.sensitive[data] = true
			sc.sensitive[strings.TrimSpace(data)] = true
		}
		if e.FromFile == nil {
			e.FromFile = map[string]string{}
		}
		e.FromFile[target] = key.Value
		return true, true
	}
	if v := k.CreateVia; v != nil && key.Value == v.Field {
		if val.Kind != yaml.MappingNode {
			diags.add(pos(file, val), fmt.Sprintf("%s: expected a mapping, not %s", key.Value, gotOf(val, sc.isSensitive(val))))
			return true, false
		}
		fields := v.ViaFields()
		var names []string
		for _, f := range fields {
			names = append(names, f.Name)
		}
		m := map[string]any{}
		good := true
		for i := 0; i+1 < len(val.Content); i += 2 {
			fk, fv := val.Content[i], val.Content[i+1]
			i := slices.IndexFunc(fields, func(f kinds.Field) bool { return f.Name == fk.Value })
			if i < 0 {
				diags.add(pos(file, fk), fmt.Sprintf("%s: unknown field %q; the fields are %s", key.Value, fk.Value, strings.Join(names, ", ")))
				good = false
				continue
			}
			x, err := sc.fieldValue(fields[i], fv)
			if err != "" {
				diags.add(pos(file, fv), fmt.Sprintf("%s.%s: %s", key.Value, fk.Value, err))
				good = false
				continue
			}
			m[fk.Value] = x
		}
		e.Via = m
		return true, good
	}
	return false, true
}

// InputFiles lists the files a manifest's entries read (kinds.Kind.Files
// fields: a certificate's certificate_file and key_file), as written, for
// a caller that copies the manifest elsewhere (demo --manifest). Only
// paths inside the manifest's directory are listed.
func InputFiles(content []byte) []string {
	names := map[string]bool{}
	for _, k := range kinds.All() {
		for f := range k.Files {
			names[f] = true
		}
	}
	var root yaml.Node
	if yaml.Unmarshal(content, &root) != nil {
		return nil
	}
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if names[k.Value] && v.Kind == yaml.ScalarNode && filepath.IsLocal(v.Value) && !slices.Contains(out, v.Value) {
					out = append(out, v.Value)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	return out
}
