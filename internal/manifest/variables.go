package manifest

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/suggest"
)

// Variable declares an environment variable a manifest file reads with
// ${NAME}. Substitution is declared, not ambient: a manifest from a pull
// request can read only what it lists, and never the connection settings.
//
//	variables:
//	  GRAFANA_URL: {description: "Grafana's public URL"}
//	  GRAFANA_SECRET: {sensitive: true}
//	  REGION: {default: eu}
type Variable struct {
	// Description documents the variable (shown in errors about it).
	Description string `yaml:"description"`
	// Sensitive values are shown as (sensitive) in every plan and masked in
	// every output, and are refused in server code and public fields
	// (fieldrules.go).
	Sensitive bool `yaml:"sensitive"`
	// Default is used when the variable is not set. Not allowed with
	// Sensitive: a secret's value does not belong in the manifest.
	Default *string `yaml:"default"`
}

// reservedPrefix marks the connection variables (AUTHENTIK_TOKEN,
// AUTHENTIK_URL, AUTHENTIK_CA_FILE, AUTHENTIK_INSECURE, ...): they are
// provision's own credentials and settings and can never be substituted.
const reservedPrefix = "AUTHENTIK_"

// reserved reports whether a variable name is one that can never be
// substituted.
func reserved(name string) bool {
	upper := strings.ToUpper(name)
	return strings.HasPrefix(upper, reservedPrefix) || strings.HasPrefix(upper, "PROVISION_")
}

// reservedWhy ends the errors about a reserved variable.
const reservedWhy = "AUTHENTIK_* and PROVISION_* variables are provision's connection settings and credentials, never manifest values"

// The pipeline, not the manifest, may set which variables a manifest can
// read at all. A manifest from a pull request declares its own variables,
// so a declaration alone cannot keep it from reading, say, GITHUB_TOKEN
// and printing it in a plan; these two settings, read from the environment
// provision runs in (never substitutable themselves), can:
//
//   - AllowVarsEnv, when set (even empty), is the complete list of
//     variables a manifest may declare, besides SensitiveVarsEnv's.
//   - SensitiveVarsEnv lists variables that are sensitive whatever the
//     manifest declares (and are allowed).
//
// Names are separated by commas or spaces.
const (
	AllowVarsEnv     = "PROVISION_ALLOW_VARS"
	SensitiveVarsEnv = "PROVISION_SENSITIVE_VARS"
)

// varPolicy is the pipeline's AllowVarsEnv/SensitiveVarsEnv.
type varPolicy struct {
	restricted bool
	allowed    map[string]bool
	sensitive  map[string]bool
}

func readVarPolicy(env LookupEnv) varPolicy {
	list := func(name string) (map[string]bool, bool) {
		v, ok := env(name)
		out := map[string]bool{}
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
			out[f] = true
		}
		return out, ok
	}
	p := varPolicy{}
	p.allowed, p.restricted = list(AllowVarsEnv)
	p.sensitive, _ = list(SensitiveVarsEnv)
	return p
}

// check reports why the pipeline does not let a manifest declare name, or "".
func (p varPolicy) check(name string) string {
	if !p.restricted || p.allowed[name] || p.sensitive[name] {
		return ""
	}
	allowed := append(slices.Collect(maps.Keys(p.allowed)), slices.Collect(maps.Keys(p.sensitive))...)
	slices.Sort(allowed)
	allowed = slices.Compact(allowed)
	if len(allowed) == 0 {
		return fmt.Sprintf("variable %s is not allowed here: %s is set but empty, so a manifest may read no variable; if the manifest should read it, add it there (in the pipeline, not in the manifest)", name, AllowVarsEnv)
	}
	return fmt.Sprintf("variable %s is not allowed here: %s lets a manifest read only %s; if the manifest should read it, add it there (in the pipeline, not in the manifest)", name, AllowVarsEnv, strings.Join(allowed, ", "))
}

// scope is what substitution in one file may read.
type scope struct {
	file     string
	env      LookupEnv
	declared map[string]Variable
	// sensitive collects the values of sensitive variables substituted.
	sensitive map[string]bool
	// sensitiveNodes are the scalars a sensitive variable was substituted
	// into, by variable name: an alias of one elsewhere is checked there.
	sensitiveNodes map[*yaml.Node]string
	// shapeVisits counts the values checkShapes looked at (shape.go).
	shapeVisits int
	// refused are the variables whose declaration was refused: a use of
	// one is not reported again as undeclared.
	refused map[string]bool
	// unresolved are the scalars holding a ${NAME} that could not be
	// substituted: what is wrong with their value follows from that, and
	// is not reported again (one mistake, one error).
	unresolved map[*yaml.Node]bool
	// aliasSeen memoizes sensitiveUnder.
	aliasSeen map[aliasVisit]string
	// placeholders are the unresolved scalars that hold a declared ${NAME}
	// left as a placeholder by Offline: checkShapes accepts one whole
	// placeholder as a value of its field's type.
	placeholders map[*yaml.Node]bool
}

// offlinePlaceholder is what Offline answers for every variable. No
// environment variable can hold it (it has a NUL byte).
const offlinePlaceholder = "\x00provision-offline-placeholder"

// Offline is the LookupEnv of validate --offline: nothing is read from the
// environment, every declared ${NAME} stays a placeholder that is
// type-checked (a whole ${NAME} is accepted where a bool or a number goes,
// as a value of that type given later) but not substituted, and the
// pipeline's AllowVarsEnv/SensitiveVarsEnv read as unset.
func Offline(name string) (string, bool) {
	if reserved(name) {
		return "", false
	}
	return offlinePlaceholder, true
}

// declaredVariables reads and checks the file's variables: section. It is
// read before any substitution, and is not itself substituted.
func declaredVariables(file string, root *yaml.Node, env LookupEnv, diags *Diagnostics) *scope {
	sc := &scope{file: file, env: env, declared: map[string]Variable{}, sensitive: map[string]bool{}, sensitiveNodes: map[*yaml.Node]string{}, refused: map[string]bool{}, unresolved: map[*yaml.Node]bool{}}
	policy := readVarPolicy(env)
	if root.Kind != yaml.MappingNode {
		return sc
	}
	node := valueOf(root, "variables")
	if node == nil || (node.Kind == yaml.ScalarNode && node.Tag == "!!null") {
		return sc
	}
	if node.Kind != yaml.MappingNode {
		diags.add(pos(file, node), "variables must be a map of NAME: {sensitive: true|false, default: ..., description: ...}")
		return sc
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, val := node.Content[i], node.Content[i+1]
		name := key.Value
		switch {
		case !validEnvName(name):
			diags.add(pos(file, key), fmt.Sprintf("invalid variable name %q: use letters, digits and _", name))
			continue
		case reserved(name):
			diags.add(pos(file, key), fmt.Sprintf("variable %s cannot be declared: %s", name, reservedWhy))
			continue
		}
		sc.refused[name] = true // until the declaration is accepted below
		var v Variable
		if !(val.Kind == yaml.ScalarNode && val.Tag == "!!null") {
			checkKeys(file, val, reflect.TypeOf(Variable{}), " in variable "+name, diags)
			if err := val.Decode(&v); err != nil {
				diags.add(pos(file, val), fmt.Sprintf("variable %s: expected {sensitive: true|false, default: \"...\", description: \"...\"}", name))
				continue
			}
		}
		if why := policy.check(name); why != "" {
			diags.add(pos(file, key), why)
			continue
		}
		if policy.sensitive[name] {
			v.Sensitive = true // the pipeline says so, whatever the manifest declares
		}
		if v.Sensitive && v.Default != nil {
			diags.add(pos(file, val), fmt.Sprintf("variable %s is sensitive and has a default: a secret's value does not belong in the manifest; remove the default and set %s in the environment", name, name))
		}
		sc.declared[name] = v
		delete(sc.refused, name)
	}
	return sc
}

// lookup resolves one ${NAME} at node n (the value of key). It returns the
// value, or false after reporting why not.
func (sc *scope) lookup(name, key string, n *yaml.Node, diags *Diagnostics) (string, bool) {
	at := pos(sc.file, n)
	if reserved(name) {
		diags.add(at, fmt.Sprintf("${%s} cannot be used: %s", name, reservedWhy))
		return "", false
	}
	v, ok := sc.declared[name]
	if !ok && sc.refused[name] {
		return "", false // its declaration's error says why
	}
	if !ok {
		msg := fmt.Sprintf("variable %s is not declared; declare it at the top of the file: \"variables: {%s: {}}\" (or {sensitive: true} for a secret)", name, name)
		if s := suggest.Closest(name, slices.Sorted(maps.Keys(sc.declared))); s != "" {
			msg = fmt.Sprintf("variable %s is not declared; did you mean %s? Otherwise declare it: \"variables: {%s: {}}\"", name, s, name)
		}
		diags.add(at, msg)
		return "", false
	}
	if why := sensitiveRefusal(key); v.Sensitive && why != "" {
		diags.add(at, fmt.Sprintf("sensitive variable %s cannot be used in %s: %s", name, key, why))
		return "", false
	}
	val, set := sc.env(name)
	if set && val == offlinePlaceholder {
		if sc.placeholders == nil {
			sc.placeholders = map[*yaml.Node]bool{}
		}
		sc.placeholders[n] = true
		if v.Sensitive {
			sc.sensitiveNodes[n] = name
		}
		return "", false
	}
	if !set {
		if v.Default != nil {
			return *v.Default, true
		}
		msg := fmt.Sprintf("environment variable %s is not set", name)
		if v.Description != "" {
			msg += " (" + v.Description + ")"
		}
		diags.add(at, msg)
		return "", false
	}
	if v.Sensitive {
		sc.sensitive[val] = true
		sc.sensitiveNodes[n] = name
	}
	return val, true
}

// quotedValue is the value the YAML decoder quotes in a type error
// ("cannot unmarshal !!str `abc...` into bool").
var quotedValue = regexp.MustCompile("`[^`]*`")

// hideValue drops the quoted value from a type error on a line where a
// sensitive variable was substituted: the error is reported before the
// manifest exists, so before its sensitive values are known to be masked.
func (sc *scope) hideValue(d Diagnostic) Diagnostic {
	for n := range sc.sensitiveNodes {
		if n.Line == d.Pos.Line {
			d.Msg = quotedValue.ReplaceAllString(d.Msg, "(sensitive)")
			break
		}
	}
	return d
}

// checkAlias reports a sensitive value that an alias (*name) places in a
// user-visible field: the value was substituted where its anchor (&name)
// stands, under another key, so lookup's check did not see this one.
func (sc *scope) checkAlias(alias *yaml.Node, key string, diags *Diagnostics) {
	if name := sc.sensitiveUnder(alias.Alias, key); name != "" {
		diags.add(pos(sc.file, alias), fmt.Sprintf("sensitive variable %s cannot be used in %s (through the alias *%s): %s", name, key, alias.Value, sensitiveRefusal(key)))
	}
}

// aliasVisit is one node reached under one key.
type aliasVisit struct {
	n   *yaml.Node
	key string
}

// sensitiveUnder returns the name of a sensitive variable that n, read as
// the value of key, puts in a user-visible field ("" for none). Results are
// kept, so a nest of aliases (a billion laughs) costs no more than the
// document's size.
func (sc *scope) sensitiveUnder(n *yaml.Node, key string) string {
	if n == nil {
		return ""
	}
	if sc.aliasSeen == nil {
		sc.aliasSeen = map[aliasVisit]string{}
	}
	v := aliasVisit{n, key}
	if name, ok := sc.aliasSeen[v]; ok {
		return name
	}
	sc.aliasSeen[v] = "" // in progress: a cycle finds nothing more
	name := ""
	switch n.Kind {
	case yaml.AliasNode:
		name = sc.sensitiveUnder(n.Alias, key)
	case yaml.ScalarNode:
		if sensitiveRefusal(key) != "" {
			name = sc.sensitiveNodes[n]
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content) && name == ""; i += 2 {
			name = sc.sensitiveUnder(n.Content[i+1], n.Content[i].Value)
		}
	default:
		for _, c := range n.Content {
			if name = sc.sensitiveUnder(c, key); name != "" {
				break
			}
		}
	}
	sc.aliasSeen[v] = name
	return name
}

// SensitiveValues returns the values of the sensitive variables the
// manifest substituted, for the caller to mask in every output.
func (m *Manifest) SensitiveValues() []string {
	out := make([]string, 0, len(m.sensitive))
	for v := range m.sensitive {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// mergeVariables adds m's declarations and sensitive values to merged.
func mergeVariables(merged, m *Manifest) {
	for k, v := range m.Variables {
		if merged.Variables == nil {
			merged.Variables = map[string]Variable{}
		}
		if old, ok := merged.Variables[k]; ok && old.Sensitive {
			v.Sensitive = true
		}
		merged.Variables[k] = v
	}
	for v := range m.sensitive {
		if merged.sensitive == nil {
			merged.sensitive = map[string]bool{}
		}
		merged.sensitive[v] = true
	}
}
