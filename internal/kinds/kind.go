// Package kinds holds the kind descriptors: everything provision knows
// about one kind of authentik object that the engine manages with no code
// of its own. A descriptor names the manifest section (and the type: value
// where a family of kinds shares one section), the API collection, the
// request schema in authentik's schema.yml (whose writable fields, types
// and enums the engine takes from internal/apischema, so manifest fields
// are authentik's own field names), the natural key, which fields are
// references to other kinds, secrets, server-side code or immutable, the
// server's defaults, and nested children (a flow's stage bindings).
//
// One file per kind or family (flow.go, stages.go, prompt.go) registers its
// descriptors; loading, validation, the JSON Schema and docs, the diff, the
// apply order, stacks, export, fingerprints and redaction work for every
// descriptor with no per-kind code. docs/kinds.md says how to add one.
package kinds

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/provision/provision/internal/apischema"
)

// Kind describes one kind of authentik object.
type Kind struct {
	// Name is the plan's kind ("flow", "stage", "prompt"). Kinds of one
	// family share it and their keys are unique across the family (every
	// stage type is a "stage": authentik keeps stage names unique across
	// types), so references name the family.
	Name string
	// Noun is what plans, errors and --target call the kind when it is not
	// Name: a plan kind must be unique, but users see one word for one
	// thing (RADIUS, SCIM and RAC providers are "provider", like OAuth2's).
	Noun string
	// Section is the manifest section ("flows"); "" for a kind only
	// declared nested in another (a flow's stage bindings).
	Section string
	// Type is the value of type: that selects this kind in a section a
	// family shares ("" when the section holds one kind).
	Type string
	// Path is the API collection below /api/v3/, with its trailing slash.
	Path string
	// AllPath lists every member of the family with its model (for a
	// family: "stages/all/"), so references resolve across types.
	AllPath string
	// AllModel is the model of a family's list of every member
	// ("authentik_flows.stage"): its view permission reads AllPath.
	AllModel string
	// Model is authentik's model ("authentik_flows.flow"), as list answers
	// give it in meta_model_name and blueprints name it.
	Model string
	// Schema is the request body's component in schema.yml.
	Schema string
	// Key is the natural key field ("slug", "name"); "" for a child, which
	// its parent and its By field identify.
	Key string
	// KeyOf computes the key of a live object whose key no one field holds
	// (a permission's app_label.codename); nil reads the Key field.
	KeyOf func(item map[string]any) string
	// PK is the field answers carry the primary key in ("pk").
	PK string
	// URLKey says detail URLs use the key rather than the pk (flows are
	// addressed by slug).
	URLKey bool
	// Refs maps reference fields to the kind they name by its key:
	// "password_stage": "stage". A uuid field not listed here is not
	// settable from a manifest (its kind is not managed yet).
	Refs map[string]string
	// Builtin are keys of authentik's own objects that no blueprint
	// creates (made at startup, in code): never deleted, exported only
	// when asked for, like the blueprints' objects.
	Builtin []string
	// Own tells, from a live object's fields, that authentik made it for
	// another object (an internal service account, a SCIM source's):
	// exported only when asked for, like Builtin.
	Own func(fields map[string]any) bool
	// Nulled are reference fields authentik sets null when the object they
	// name is deleted (on_delete SET_NULL or SET_DEFAULT): that delete need
	// not wait for this kind's changes, which breaks what would otherwise be
	// a cycle (a brand naming an application that takes a deleted one's
	// provider).
	Nulled []string
	// Secret fields are masked in every output. One authentik returns (not
	// writeOnly in schema.yml) is compared through a digest and rotated
	// when it differs (Field.ReadWhenDeclared); a write-only one is sent on
	// create and never compared: authentik never shows it.
	Secret []string
	// SensitiveOnly are Secret fields a manifest may fill only from a
	// sensitive variable (${NAME} with sensitive: true), never a literal: a
	// manifest is committed, the secret is not.
	SensitiveOnly []string
	// NewerEnum are enum values of authentik 2026.2.2 that schema.yml (the
	// pinned API module's, 2026.2.0) lacks, by field: an event matcher's
	// action configuration_warning, which authentik's own blueprint uses.
	NewerEnum map[string][]string
	// NewerFields are request fields of authentik 2026.2.2 that schema.yml
	// lacks (a SCIM provider's group_filters), appended to the schema's;
	// a field they replace is listed in Omit.
	NewerFields []apischema.Field
	// Code fields hold what authentik runs on the server; plans show them
	// whole.
	Code []string
	// Immutable fields cannot change after create: a change replaces the
	// object, and the plan says so.
	Immutable []string
	// Ordered list fields compare in order; other lists compare as sets.
	Ordered []string
	// Defaults are the model's defaults for fields a create may omit:
	// export leaves a field out when its value is the default.
	Defaults map[string]any
	// Omit are request fields a manifest never sets (managed: only
	// authentik's own objects carry it).
	Omit []string
	// Managed names the field that marks an object authentik manages
	// itself ("managed"): such an object is never modified or deleted, and
	// an entry naming one is refused.
	Managed string
	// Python fields hold Python that authentik compiles on save: checked
	// offline with the same syntax checks.
	Python []string
	// Unique fields must differ between the manifest's entries of the kind
	// (two scope mappings for one scope could not be told apart).
	Unique []string
	// Check is the kind's own offline validation of an entry's declared
	// fields (nil: none), absent when the entry asks for deletion; each
	// problem names its field.
	Check func(key string, fields map[string]any, absent bool) []Problem
	// SendAlways are fields an update (PATCH) must carry whatever changed,
	// because the serializer's validate() reads them from the request body
	// only (an identification stage's user_fields); the declared value, or
	// the live one.
	SendAlways []string
	// SendTogether are groups of fields validate() checks together from the
	// body: an update sending one sends the others.
	SendTogether [][]string
	// ListQuery are query parameters of the kind's list reads (groups:
	// include_users=false, members are never needed).
	ListQuery map[string]string
	// Merge are free-form object fields managed key by key: the declared
	// keys are set, others kept, and the merge is redone against the object
	// as it is just before the write.
	Merge []string
	// ExportWhenNamed kinds are exported only with what names them (a group
	// with the applications whose access lists it), never alone by --all.
	ExportWhenNamed bool
	// Files are manifest fields naming a file (relative to the manifest,
	// confined to its directory like outputs) whose contents are the value
	// of a request field: "certificate_file": "certificate_data".
	Files map[string]string
	// Digests compute, from a secret field's declared value, what authentik
	// shows of it (a certificate's fingerprint and expiry): plans compare
	// the first digest with the live field of that name and show them all,
	// never the value. An error is the field's offline validation problem.
	Digests map[string]func(value string) ([]Digest, error)
	// Expires names a digest or answer field holding when the object
	// expires (RFC 3339): a change of it within 30 days warns.
	Expires string
	// CreateVia is an action endpoint that creates the object from a
	// manifest mapping instead of the plain create (a certificate's
	// generate:); nil when there is none.
	CreateVia *CreateVia
	// DeleteNote says what authentik deletes with an object of the kind
	// (a user's sessions and tokens); plans show it on a delete.
	DeleteNote string
	// DeleteWarning, when set, names what a destroy of the live object
	// (its key and fields as read) loses that the plan must point out:
	// a group's members. "" when nothing.
	DeleteWarning func(key string, fields map[string]any) string
	// Docs describe fields where schema.yml says nothing useful, by field.
	Docs map[string]string
	// Gone are fields a manifest may expect that authentik no longer has,
	// by name: the reason and the fix, said in place of "unknown field"
	// (a user's permissions: role-only since authentik 2025.12).
	Gone map[string]string
	// Children are lists of other objects declared inside an entry.
	Children []Child
	// Extra are manifest fields outside the request schema, which authentik
	// writes through an action of the object after its create or update (a
	// user's password: set_password/; a role's permissions: assign/ and
	// unassign/). The API layer reads and writes them per kind.
	Extra []Field
	// Cascade are reference fields whose referent's delete deletes this
	// object too (on_delete=CASCADE: a token's user).
	Cascade []string
	// Outputs are the output names an entry may declare (a token's token:).
	Outputs []string
	// OutputsDoc says what an output holds, for the reference; "" is a
	// token's.
	OutputsDoc string
	// ExportOmit names fields export leaves out of a live object (a value
	// the server sets itself that a manifest may not declare); nil: none.
	ExportOmit func(fields map[string]any) []string
	// Singleton marks the one object of its kind that always exists and
	// has no key or pk (authentik's system settings): its section is a
	// mapping, not a list; the plan diffs it under SingletonKey, never
	// creates, deletes, owns or prunes it; the client GETs and PATCHes Path.
	Singleton bool
	// Doc is one sentence for the reference.
	Doc string
}

// SingletonKey is the key a Singleton kind's one entry has in plans.
func (k *Kind) SingletonKey() string { return NounOf(k.Name) }

// Digest is one value derived from a secret field, as the answer shows it.
type Digest struct {
	Field string
	Value string
}

// CreateVia is a create-only action: the manifest's Field mapping (fields
// of the request schema Schema) is POSTed to Path below the kind's Path,
// once. The created object is named by the action's NameField; when that
// differs from the entry's key, the object is renamed to it after. An
// object that exists is never created again, whatever the mapping says.
type CreateVia struct {
	Field     string
	Path      string
	Schema    string
	NameField string
	// Defaults fill fields the mapping omits (the name field defaults to
	// the entry's key).
	Defaults map[string]any
	Doc      string
}

// ViaFields returns the action mapping's fields.
func (v *CreateVia) ViaFields() []Field {
	c, ok := apischema.Lookup(v.Schema)
	if !ok {
		panic(fmt.Sprintf("kinds: schema component %q is not in schema.yml", v.Schema))
	}
	k := &Kind{Defaults: v.Defaults}
	var out []Field
	for _, sf := range c.Fields {
		f, ok := k.field(sf)
		if ok {
			if f.Name == v.NameField {
				f.Required = false
			}
			out = append(out, f)
		}
	}
	return out
}

// Child is a list of objects declared inside a parent entry: a flow's
// stages: are its stage bindings.
type Child struct {
	// Field is the parent entry's key holding the list ("stages").
	Field string
	// Kind is the children's descriptor.
	Kind *Kind
	// Parent is the child's field holding the parent's pk ("target").
	Parent string
	// By is the child's reference field that identifies it within its
	// parent ("stage"): one child per referenced object.
	By string
	// OneOf, when set instead of By, are reference fields of which each
	// child names exactly one, which identifies it (a policy binding's
	// policy, group or user).
	OneOf []string
}

// ByFields are the fields that may identify a child.
func (c Child) ByFields() []string {
	if len(c.OneOf) > 0 {
		return c.OneOf
	}
	return []string{c.By}
}

// Ident returns the field identifying a child with these fields and the
// key it names ("" when none is set): a live object's first non-null one.
func (c Child) Ident(fields map[string]any) (field, key string) {
	for _, f := range c.ByFields() {
		switch v := fields[f].(type) {
		case nil:
		case string:
			if v != "" {
				return f, v
			}
		default:
			return f, fmt.Sprint(v)
		}
	}
	return "", ""
}

// Name spells a child's identity in plans and keys: the key, prefixed by
// its field when several fields may identify it ("user:akadmin").
func (c Child) Name(field, key string) string {
	if len(c.OneOf) == 0 {
		return key
	}
	return field + ":" + key
}

// Problem is one offline validation problem of an entry, at a field ("" for
// the entry).
type Problem struct {
	Field string
	Msg   string
}

// FieldType is how a manifest writes a field.
type FieldType int

const (
	String FieldType = iota
	Bool
	Int
	Number
	StringList
	Object // free-form JSON
	Ref
	RefList
)

// Field is one manifest field of a kind: a writable field of its request
// schema, with what the descriptor adds.
type Field struct {
	Name     string
	Type     FieldType
	Enum     []string
	Ref      string // the kind named, for Ref and RefList
	IntRef   bool   // a Ref the API takes as an integer pk (a user)
	Nullable bool
	Required bool // a create must set it
	Secret   bool
	// SensitiveOnly: a literal is refused, only a sensitive variable fills it.
	SensitiveOnly bool
	Code          bool
	Immutable     bool
	Ordered       bool
	MinLength     int
	Default       any // nil when the model has none (or it is null)
	HasDefault    bool
	Doc           string
	// Extra: outside the request body (Kind.Extra).
	Extra bool
	// Once: set when the object is created, never compared or rewritten.
	Once bool
	// ReadWhenDeclared: a Secret extra the API layer reads, for the entries
	// that declare it only (plan.Reads.Secrets), so plans compare it,
	// masked: a token's key, through view_key/. On a request field it is
	// derived from schema.yml: a secret authentik returns (not writeOnly:
	// an SMS stage's auth, a webhook URL) is in the list read. Either way
	// the snapshot holds its digest (internal/secretdigest), never the
	// value, and a change is a rotation.
	ReadWhenDeclared bool
	// Output: the value the entry's outputs write (a token's key): a
	// change of it rewrites them, and the plan says which.
	Output bool
}

var registry []*Kind

// Register adds descriptors; each kind file calls it from init. A kind
// with no Section is only named by references (users, by username): read,
// never declared or exported.
func Register(ks ...*Kind) {
	if len(sorted) > 0 {
		panic("kinds: Register after All: descriptors register in init")
	}
	registry = append(registry, ks...)
	for _, k := range ks {
		if k.Noun != "" {
			nouns[k.Name] = k.Noun
		}
	}
}

// nouns are the Nouns of kinds whose Noun is not their Name, by Name.
var nouns = map[string]string{}

// NounOf is what users call the plan kind name: its Noun, else the name.
func NounOf(name string) string {
	if n, ok := nouns[name]; ok {
		return n
	}
	return name
}

// Hosts are kinds written by hand (applications) whose entries carry
// children the engine diffs: their descriptor gives Name, PK and Children
// only.
var Hosts []*Kind

// ChildKinds returns every child descriptor, of registered kinds (nested
// children included) and of hosts, each once, parents first.
func ChildKinds() []*Kind {
	var out []*Kind
	var walk func(k *Kind)
	walk = func(k *Kind) {
		for _, c := range k.Children {
			if !slices.Contains(out, c.Kind) {
				out = append(out, c.Kind)
			}
			walk(c.Kind)
		}
	}
	for _, k := range registry {
		walk(k)
	}
	for _, k := range Hosts {
		walk(k)
	}
	return out
}

// Parents returns the kinds (registered, children or hosts) that list a
// child of kind name, with that child list.
func Parents(name string) []Parent {
	var out []Parent
	all := append(append(slices.Clone(registry), ChildKinds()...), Hosts...)
	for _, k := range all {
		for _, c := range k.Children {
			if c.Kind.Name == name {
				out = append(out, Parent{k, c})
			}
		}
	}
	return out
}

// Parent is a kind that lists children, with the list.
type Parent struct {
	Kind  *Kind
	Child Child
}

// All returns every registered descriptor with a section, sorted by
// section then type.
func All() []*Kind {
	sortedOnce.Do(func() {
		sorted = slices.Clone(registry)
		sort.SliceStable(sorted, func(i, j int) bool {
			if sorted[i].Section != sorted[j].Section {
				return sorted[i].Section < sorted[j].Section
			}
			return sorted[i].Type < sorted[j].Type
		})
	})
	return slices.Clone(sorted) // callers may reorder their copy
}

// sorted is All's order, computed once: descriptors register in init, and
// a plan asks for families per entry and per reference (sorting on every
// call was 4% of the e2e suite's CPU).
var (
	sortedOnce sync.Once
	sorted     []*Kind
)

// Sections returns the manifest sections descriptors own, sorted.
func Sections() []string {
	var out []string
	for _, k := range All() {
		if k.Section != "" && !slices.Contains(out, k.Section) {
			out = append(out, k.Section)
		}
	}
	return out
}

// InSection returns the descriptors of a section.
func InSection(section string) []*Kind {
	var out []*Kind
	for _, k := range All() {
		if k.Section == section {
			out = append(out, k)
		}
	}
	return out
}

// Family returns the descriptors sharing a plan kind name.
func Family(name string) []*Kind {
	var out []*Kind
	for _, k := range All() {
		if k.Name == name {
			out = append(out, k)
		}
	}
	return out
}

// Names returns every plan kind name descriptors define (families once),
// in registration order.
func Names() []string {
	var out []string
	for _, k := range registry {
		if !slices.Contains(out, k.Name) {
			out = append(out, k.Name)
		}
	}
	return out
}

// ByModel returns the family member whose model is model.
func ByModel(name, model string) *Kind {
	for _, k := range Family(name) {
		if k.Model == model {
			return k
		}
	}
	return nil
}

// Label names the kind for people: "flow", "password stage".
func (k *Kind) Label() string {
	if k.Type == "" {
		return NounOf(k.Name)
	}
	return k.Type + " " + NounOf(k.Name)
}

// Fields returns the kind's manifest fields: every writable field of its
// request schema (in schema order) except the parent field of a child and
// uuid fields that are not references, with the descriptor's flags.
func (k *Kind) Fields() []Field {
	if f, ok := fieldCache.Load(k); ok {
		return slices.Clone(f.([]Field)) // callers may sort their copy
	}
	out := k.computeFields()
	fieldCache.Store(k, out)
	return slices.Clone(out)
}

// fieldCache holds each descriptor's fields once computed: descriptors
// are complete once every init has run, and Fields is on the plan's path
// (every entry, every reference).
var fieldCache sync.Map // *Kind -> []Field

func (k *Kind) computeFields() []Field {
	if k.Schema == "" && k.Section == "" {
		return nil // read only, named by references (a permission)
	}
	c, ok := apischema.Lookup(k.Schema)
	if !ok {
		panic(fmt.Sprintf("kinds: %s: schema component %q is not in schema.yml", k.Label(), k.Schema))
	}
	var out []Field
	for _, sf := range append(slices.Clone(c.Fields), k.NewerFields...) {
		f, ok := k.field(sf)
		if ok {
			out = append(out, f)
		}
	}
	for _, f := range k.Extra {
		f.Extra = true
		out = append(out, f)
	}
	return out
}

// Field returns one manifest field by name.
func (k *Kind) Field(name string) (Field, bool) {
	for _, f := range k.Fields() {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

func (k *Kind) field(sf apischema.Field) (Field, bool) {
	if slices.Contains(k.Omit, sf.Name) {
		return Field{}, false
	}
	secret := sf.WriteOnly || slices.Contains(k.Secret, sf.Name) || slices.Contains(k.SensitiveOnly, sf.Name)
	f := Field{Name: sf.Name, Enum: sf.Enum, Nullable: sf.Nullable, Required: sf.Required, MinLength: sf.MinLength, Doc: sf.Description,
		Secret: secret, SensitiveOnly: slices.Contains(k.SensitiveOnly, sf.Name), Code: slices.Contains(k.Code, sf.Name),
		Immutable: slices.Contains(k.Immutable, sf.Name), Ordered: slices.Contains(k.Ordered, sf.Name),
		// authentik returns every request field schema.yml does not mark
		// writeOnly (TestWriteOnlyIsWhatAnswersLack in internal/apischema)
		ReadWhenDeclared: secret && !sf.WriteOnly}
	if more := k.NewerEnum[sf.Name]; len(more) > 0 {
		f.Enum = append(slices.Clone(f.Enum), more...)
	}
	if d, ok := k.Docs[sf.Name]; ok {
		f.Doc = d
	}
	if d, ok := k.Defaults[sf.Name]; ok {
		f.Default, f.HasDefault = d, true
	}
	ref, isRef := k.Refs[sf.Name]
	uuid := sf.Format == "uuid" || sf.ItemFormat == "uuid"
	switch {
	case isRef && sf.Type == "array":
		f.Type, f.Ref, f.IntRef = RefList, ref, sf.ItemType == "integer"

	case isRef:
		f.Type, f.Ref, f.IntRef = Ref, ref, sf.Type == "integer"
	case uuid:
		return Field{}, false // a reference to a kind not managed yet
	case sf.Type == "boolean":
		f.Type = Bool
	case sf.Type == "integer":
		f.Type = Int
	case sf.Type == "number":
		f.Type = Number
	case sf.Type == "array" && (sf.ItemType == "string" || sf.ItemType == ""):
		f.Type = StringList
	case sf.Type == "object", sf.Type == "", sf.Type == "array":
		f.Type = Object
	default:
		f.Type = String
	}
	return f, true
}

// ChildOf returns the child list declared under field, if any.
func (k *Kind) ChildOf(field string) (Child, bool) {
	for _, c := range k.Children {
		if c.Field == field {
			return c, true
		}
	}
	return Child{}, false
}

// ChildFields returns a child kind's manifest fields: those of its kind
// without the parent field.
func (c Child) Fields() []Field {
	var out []Field
	for _, f := range c.Kind.Fields() {
		if f.Name != c.Parent {
			out = append(out, f)
		}
	}
	return out
}

// TypeName spells a field type for messages and docs.
func (t FieldType) String() string {
	switch t {
	case Bool:
		return "true or false"
	case Int:
		return "a whole number"
	case Number:
		return "a number"
	case StringList:
		return "a list of strings"
	case Object:
		return "a mapping"
	case Ref:
		return "a name"
	case RefList:
		return "a list of names"
	case PermissionList:
		return "a list of permissions"
	}
	return "a string"
}

// ExtraFields are the kind's manifest fields that are not request fields:
// its Files fields, then its CreateVia mapping (an Object), sorted.
func (k *Kind) ExtraFields() []Field {
	var out []Field
	for f, target := range k.Files {
		out = append(out, Field{Name: f, Type: String,
			Doc: fmt.Sprintf("A file, relative to the manifest and inside its directory, whose contents are %s (give one of the two).", target)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if v := k.CreateVia; v != nil {
		var names []string
		for _, f := range v.ViaFields() {
			names = append(names, f.Name)
		}
		out = append(out, Field{Name: v.Field, Type: Object, Doc: v.Doc + " Its fields: " + strings.Join(names, ", ") + "."})
	}
	return out
}
