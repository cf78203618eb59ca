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
	Stack         string         `yaml:"stack"`
	StackPos      Position       `yaml:"-"`
	Groups        []Group        `yaml:"groups"`
	ScopeMappings []ScopeMapping `yaml:"scope_mappings"`
	Providers     []Provider     `yaml:"providers"`
	Applications  []Application  `yaml:"applications"`
	Outposts      []Outpost      `yaml:"outposts"`
	// Variables are the environment variables the manifest reads with
	// ${NAME} (variables.go); each file declares those it uses.
	Variables map[string]Variable `yaml:"variables"`
	// sensitive holds the values of sensitive variables substituted.
	sensitive map[string]bool
}

// State says whether the object an entry names should exist.
type State string

const (
	Present State = "present"
	Absent  State = "absent"
)

// Group is an authentik group. provision never touches its members.
type Group struct {
	Name        string         `yaml:"name"`
	State       State          `yaml:"state"`
	IsSuperuser *bool          `yaml:"is_superuser"`
	Attributes  map[string]any `yaml:"attributes"`
	Src         Source         `yaml:"-"`
}

// Application is an authentik application.
type Application struct {
	Name             string   `yaml:"name"`
	Slug             string   `yaml:"slug"`
	State            State    `yaml:"state"`
	Provider         *string  `yaml:"provider"`
	MetaLaunchURL    *string  `yaml:"meta_launch_url"`
	MetaDescription  *string  `yaml:"meta_description"`
	MetaPublisher    *string  `yaml:"meta_publisher"`
	MetaIcon         *string  `yaml:"meta_icon"`
	Group            *string  `yaml:"group"`
	OpenInNewTab     *bool    `yaml:"open_in_new_tab"`
	PolicyEngineMode *string  `yaml:"policy_engine_mode"`
	Access           *Access  `yaml:"access"`
	Outputs          *Outputs `yaml:"outputs"`
	Src              Source   `yaml:"-"`
}

// Access says who may use an application. When declared, its group list is
// authoritative: group bindings on the application not listed are removed.
// Policy and user bindings are left alone.
type Access struct {
	Groups []string `yaml:"groups"`
}

// Outputs are client settings derived from live state after apply.
type Outputs struct {
	LibreChat *LibreChatOutput `yaml:"librechat"`
}

// LibreChatOutput asks for LibreChat's OpenID .env settings.
type LibreChatOutput struct {
	// URL is LibreChat's public URL: DOMAIN_CLIENT and DOMAIN_SERVER.
	URL string `yaml:"url"`
	// DomainServer overrides DOMAIN_SERVER when the API is served elsewhere.
	DomainServer string `yaml:"domain_server"`
	ButtonLabel  string `yaml:"button_label"`
	ImageURL     string `yaml:"image_url"`
	// Env holds optional OPENID_* settings LibreChat reads (PKCE, nonce, roles...).
	Env map[string]string `yaml:"env"`
	// File is the .env file apply updates, relative to the manifest file.
	File string `yaml:"file"`
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
	Exclusive bool           `yaml:"exclusive"`
	Config    map[string]any `yaml:"config"`
	Src       Source         `yaml:"-"`
}

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
