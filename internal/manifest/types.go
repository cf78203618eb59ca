// Package manifest holds provision's desired-state model: the YAML manifest
// an admin writes, how it is loaded (strictly, with ${VAR} substitution and
// file:line positions) and validated offline. It knows nothing of HTTP.
package manifest

import "fmt"

// Version is the only manifest format version this build reads.
const Version = 1

// Manifest is the merged content of one manifest file or a directory of them.
// Related objects are referenced by human keys: providers and outposts by
// name, applications by slug, flows by slug, key pairs by name, scope
// mappings by scope name, groups by name.
//
// Each section is a slice of one entry type with a Src field; loading,
// merging and position recording walk the sections by reflection, so a new
// kind is a new field here plus its entry type in its own file.
type Manifest struct {
	Version int `yaml:"version"`
	// Stack names the set of objects this manifest owns in authentik
	// (stack.go); "" keeps the behaviour without ownership: nothing pruned.
	Stack        string        `yaml:"stack"`
	StackPos     Position      `yaml:"-"`
	Providers    []Provider    `yaml:"providers"`
	Applications []Application `yaml:"applications"`
	Outposts     []Outpost     `yaml:"outposts"`
	// Entries are the objects of the descriptor kinds (internal/kinds:
	// flows, stages, prompts...), from their sections, in manifest order.
	Entries []*Entry `yaml:"-"`
	// Hosted are the engine's children declared on entries of hand-written
	// kinds (kinds.Hosts: an application's policies:), one Entry per
	// entry that declares any, keyed like it.
	Hosted []*Entry `yaml:"-"`
	// Variables are the environment variables the manifest reads with
	// ${NAME} (variables.go); each file declares those it uses.
	Variables map[string]Variable `yaml:"variables"`
	// sensitive holds the values of sensitive variables substituted.
	sensitive map[string]bool
	// unresolved are the lines holding a ${NAME} that could not be
	// substituted (its error reported): checks of values there are not.
	unresolved map[lineOf]bool
	// Authentik holds settings about the authentik server itself.
	Authentik *AuthentikSettings `yaml:"authentik"`
	// Moved are renames done in place (moved.go): the object keyed From
	// is the one the manifest now declares as To.
	Moved []Move `yaml:"moved"`
}

// AuthentikSettings are manifest-level settings about authentik.
type AuthentikSettings struct {
	// PublicURL is authentik's address as browsers and client apps reach it:
	// every issuer, discovery and endpoint URL written for clients uses it.
	// Empty means the API address (AUTHENTIK_URL).
	PublicURL string `yaml:"public_url"`
	Src       Source `yaml:"-"`
}

// State says whether the object an entry names should exist.
type State string

const (
	Present State = "present"
	Absent  State = "absent"
)

// Application is an authentik application.
type Application struct {
	Name     string  `yaml:"name"`
	Slug     string  `yaml:"slug"`
	State    State   `yaml:"state"`
	Provider *string `yaml:"provider"`
	// BackchannelProviders are providers (LDAP, SCIM) that augment the
	// application, by name; when declared, the complete list.
	BackchannelProviders []string `yaml:"backchannel_providers"`
	MetaLaunchURL        *string  `yaml:"meta_launch_url"`
	MetaDescription      *string  `yaml:"meta_description"`
	MetaPublisher        *string  `yaml:"meta_publisher"`
	MetaIcon             *string  `yaml:"meta_icon"`
	Group                *string  `yaml:"group"`
	OpenInNewTab         *bool    `yaml:"open_in_new_tab"`
	PolicyEngineMode     *string  `yaml:"policy_engine_mode"`
	Access               *Access  `yaml:"access"`
	Outputs              Outputs  `yaml:"outputs"`
	// Protect refuses a destroy of the application (moved.go).
	Protect bool   `yaml:"protect"`
	Src     Source `yaml:"-"`
}

// Access says who may use an application. When declared, its group list is
// authoritative: group bindings on the application not listed are removed.
// Policy and user bindings are left alone.
type Access struct {
	Groups []string `yaml:"groups"`
}

// Outputs are client settings derived from live state after apply, by
// output name. The name is the preset (internal/outputs: grafana, oidc...)
// unless the output sets preset: itself.
type Outputs map[string]*Output

// Output asks for one client application's settings (internal/outputs has
// the presets and formats). Keys a preset adds of its own (Grafana's
// admin_group, Open WebUI's signup...) land in Options and are checked by it.
type Output struct {
	// Preset names the client application; default: the output's name.
	Preset string `yaml:"preset"`
	// Format is dotenv (default), json or kubernetes-secret.
	Format string `yaml:"format"`
	// File is where apply writes the settings, relative to the manifest
	// file (or --output-dir); "-" is standard output; empty writes nothing.
	File string `yaml:"file"`
	// URL is the client application's public URL (redirect URIs derive from it).
	URL string `yaml:"url"`
	// Env holds further settings of the preset's catalogue (for oidc: literals).
	Env map[string]string `yaml:"env"`
	// Vars maps the admin's variable names to provision's values (oidc preset).
	Vars map[string]string `yaml:"vars"`
	// SecretName and Namespace name the kubernetes-secret format's Secret.
	SecretName string `yaml:"secret_name"`
	Namespace  string `yaml:"namespace"`
	// Options are the preset's own keys.
	Options map[string]string `yaml:",inline"`
}

// Outpost is an authentik outpost. Its providers are attached and, unless
// Exclusive, never detached: shared outposts (the embedded one above all)
// keep the providers others attached.
type Outpost struct {
	Name      string   `yaml:"name"`
	Type      string   `yaml:"type"`
	State     State    `yaml:"state"`
	Providers []string `yaml:"providers"`
	// Exclusive makes Providers the complete list: providers attached by
	// anyone else are detached. Refused on the embedded outpost.
	Exclusive bool `yaml:"exclusive"`
	// ServiceConnection names the Docker or Kubernetes service connection
	// authentik deploys the outpost with (a service_connections: entry);
	// null: none, deployed by hand.
	ServiceConnection *string        `yaml:"service_connection"`
	Config            map[string]any `yaml:"config"`
	// Outputs are what the outpost's deployment needs, by output name;
	// the one output an outpost has is token.
	Outputs map[string]*OutpostOutput `yaml:"outputs"`
	// Protect refuses a destroy of the outpost (moved.go).
	Protect bool   `yaml:"protect"`
	Src     Source `yaml:"-"`
}

// OutpostOutput writes what an outpost's deployment reads: AUTHENTIK_HOST
// (authentik's public URL), AUTHENTIK_TOKEN (the token authentik made for
// the outpost) and AUTHENTIK_INSECURE, after apply.
type OutpostOutput struct {
	// Format is dotenv (default) or kubernetes-secret.
	Format string `yaml:"format"`
	// File is where apply writes it, relative to the manifest file (or
	// --output-dir).
	File string `yaml:"file"`
	// SecretName and Namespace name the kubernetes-secret format's Secret
	// (default name: authentik-outpost-<name>).
	SecretName string `yaml:"secret_name"`
	Namespace  string `yaml:"namespace"`
}

// OutpostTokenOutput is the name of an outpost's token output.
const OutpostTokenOutput = "token"

// Position is a place in a manifest file.
type Position struct {
	File   string
	Line   int
	Column int
}

func (p Position) String() string {
	if p.File == "" && p.Line == 0 {
		return "manifest"
	}
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Source records where an entry and each of its keys were declared.
type Source struct {
	Pos    Position
	fields map[string]Position
}

// Has reports whether the entry declared the key (even as null).
func (s Source) Has(key string) bool {
	_, ok := s.fields[key]
	return ok
}

// At returns the position of a key, or of the entry when the key is absent.
func (s Source) At(key string) Position {
	if p, ok := s.fields[key]; ok {
		return p
	}
	return s.Pos
}

// IsAbsent reports whether the entry asks for deletion.
func (s State) IsAbsent() bool { return s == Absent }

// lineOf is one line of one manifest file.
type lineOf struct {
	file string
	line int
}

// Derived drops, of checks' diagnostics, those about values on a line whose ${NAME} could
// not be substituted: an unset variable makes "${WIKI_URL}/saml/acs" no
// absolute URL, and the unset variable is the one mistake to report.
func (m *Manifest) Derived(ds Diagnostics) Diagnostics {
	if m == nil || len(m.unresolved) == 0 {
		return ds
	}
	out := ds[:0:0]
	for _, d := range ds {
		if !m.unresolved[lineOf{d.Pos.File, d.Pos.Line}] {
			out = append(out, d)
		}
	}
	return out
}
