// Package contract checks HTTP traffic against authentik's OpenAPI contract,
// the schema.yml that ships inside the Go module goauthentik.io/api/v3.
//
// The emulator wraps its handler in [Validator.Middleware] during tests, so
// any request it accepts or response it sends that the real authentik API
// would not is reported as a [Violation].
package contract

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// APIModule is the Go module whose root holds schema.yml.
const APIModule = "goauthentik.io/api/v3"

// SchemaEnv, when set, names the schema.yml to use instead of the one in
// the module cache.
const SchemaEnv = "PROVISION_AUTHENTIK_SCHEMA"

// BasePath is the server URL the schema declares; only requests below it
// are checked.
const BasePath = "/api/v3"

// Validator checks requests and responses against a loaded OpenAPI document.
// It is immutable after loading and safe for concurrent use.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	// formats are passed to every schema validation.
	formats []openapi3.SchemaValidationOption
	// Relaxed lists the workarounds applied to the document for constructs
	// kin-openapi reads more strictly than authentik behaves (see
	// relaxExternalDiscriminators and relaxNulls).
	Relaxed []string
	// valid holds the digests of answers found valid (check): an
	// identical answer is not validated again.
	valid sync.Map
	// LoadTime is how long parsing and validating the document took.
	LoadTime time.Duration
}

var (
	loadOnce = sync.OnceValues(func() (*Validator, error) {
		path, err := SchemaPath()
		if err != nil {
			return nil, err
		}
		return LoadFile(path)
	})
	fileCache sync.Map // cleaned path -> func() (*Validator, error)
)

// Load returns the validator for authentik's schema.yml, located with
// [SchemaPath]. The document is parsed and validated once per process.
func Load() (*Validator, error) { return loadOnce() }

// LoadFile returns the validator for the OpenAPI document at path. Each
// distinct path is parsed and validated once per process.
func LoadFile(path string) (*Validator, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	f, _ := fileCache.LoadOrStore(path, sync.OnceValues(func() (*Validator, error) {
		return loadFile(path)
	}))
	return f.(func() (*Validator, error))()
}

func loadFile(path string) (*Validator, error) {
	start := time.Now()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("contract: loading %s: %w", path, err)
	}
	// Requests are routed on the path below BasePath (see Middleware), so the
	// router must not try to match the relative server URL itself.
	doc.Servers = nil
	patched := relaxExternalDiscriminators(doc)
	patched = append(patched, relaxNulls(doc)...)
	patched = append(patched, relaxServedFiles(doc)...)
	patched = append(patched, relaxNewerEventActions(doc)...)
	patched = append(patched, relaxSCIMGroupFilters(doc)...)
	patched = append(patched, relaxSettingsFlags(doc)...)
	// legacy.NewRouter validates the document. The gorillamux router would
	// need github.com/gorilla/mux, which this module does not require.
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contract: %s: %w", path, err)
	}
	return &Validator{doc: doc, router: router, formats: formatOptions(), Relaxed: patched, LoadTime: time.Since(start)}, nil
}

// relaxExternalDiscriminators works around a drf-spectacular construct
// kin-openapi cannot validate: a oneOf whose discriminator property lives on
// the enclosing object rather than in the branches. authentik's
// `modelRequest` (TransactionApplicationRequest.provider) is one: it is
// discriminated by the sibling field provider_model, so kin-openapi rejects
// every valid body with "input does not contain the discriminator property".
// Such schemas lose their discriminator and become anyOf (without it, the
// overlapping provider branches would match more than one oneOf branch): a
// value must still match one of the branches. It returns the schemas changed.
func relaxExternalDiscriminators(doc *openapi3.T) []string {
	var changed []string
	for name, ref := range doc.Components.Schemas {
		s := ref.Value
		if s == nil || s.Discriminator == nil || len(s.OneOf) == 0 {
			continue
		}
		external := false
		for _, branch := range s.OneOf {
			if branch.Value == nil || branch.Value.Properties[s.Discriminator.PropertyName] == nil {
				external = true
			}
		}
		if external {
			s.AnyOf, s.OneOf, s.Discriminator = s.OneOf, nil, nil
			changed = append(changed, name+": oneOf with sibling discriminator relaxed to anyOf")
		}
	}
	sort.Strings(changed)
	return changed
}

// relaxNulls lets null through where authentik sends it although a strict
// reading of the schema forbids it:
//   - free-form schemas ({}, e.g. additionalProperties: {} of Outpost.config):
//     OpenAPI 3.0.3 applies "nullable" only to typed schemas, so {} accepts
//     null, but kin-openapi rejects null there; authentik's outpost config
//     holds nulls (docker_labels, container_image, ...);
//   - read-only nested objects (drf-spectacular's `allOf: [$ref], readOnly`,
//     e.g. Outpost.service_connection_obj, Application.provider_obj): DRF
//     renders a nested serializer of an empty relation as null whether or not
//     it says allow_null, so authentik sends null where the schema does not
//     declare it nullable;
//   - a provider's authorization_flow and invalidation_flow
//     (ProviderSerializer): the columns are nullable (core/models.py
//     Provider, null=True) and a provider whose serializer has no flows (a
//     SCIM provider, listed by providers/all/ and an application's
//     backchannel_providers_obj) holds none, so authentik sends null.
//
// It returns a summary of what it changed.
func relaxNulls(doc *openapi3.T) []string {
	var freeForm, nested int
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.IsEmpty() && !s.Nullable {
			s.Nullable = true
			freeForm++
		}
		for _, p := range s.Properties {
			if v := p.Value; p.Ref == "" && v != nil && v.ReadOnly && len(v.AllOf) == 1 &&
				(v.Type == nil || len(*v.Type) == 0) && !v.Nullable {
				v.Nullable = true
				nested++
			}
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		walk(s.Not)
		for _, l := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
			for _, x := range l {
				walk(x)
			}
		}
	}
	for _, ref := range doc.Components.Schemas {
		walk(ref)
	}
	if p := doc.Components.Schemas["Provider"]; p != nil && p.Value != nil {
		for _, f := range []string{"authorization_flow", "invalidation_flow"} {
			if x := p.Value.Properties[f]; x != nil && x.Value != nil && !x.Value.Nullable {
				x.Value.Nullable = true
				nested++
			}
		}
	}
	for _, ref := range doc.Components.Responses {
		if ref.Value != nil {
			for _, mt := range ref.Value.Content {
				walk(mt.Schema)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					for _, mt := range r.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
	return []string{
		fmt.Sprintf("%d free-form ({}) schemas accept null", freeForm),
		fmt.Sprintf("%d read-only nested objects (allOf wrappers) accept null", nested),
	}
}

// relaxServedFiles fixes declarations that do not describe what authentik
// serves:
//   - SAMLMetadata.download_url is declared required, but
//     SAMLProviderViewSet.metadata (authentik/providers/saml/api/providers.py)
//     only ever returns {"metadata": ...};
//   - OAuth2ProviderSetupURLs declares every URL a required string, but
//     OAuth2ProviderViewSet.setup_urls (authentik/providers/oauth2/api/
//     providers.py) sends issuer, provider_info and logout as null and
//     leaves jwks out for a provider without an application;
//   - view_certificate / view_private_key with ?download return the PEM file
//     as application/x-pem-file (authentik/crypto/api.py), a media type the
//     schema does not list.
//
// It returns a summary of what it changed.
func relaxServedFiles(doc *openapi3.T) []string {
	var changed []string
	if ref := doc.Components.Schemas["SAMLMetadata"]; ref != nil && ref.Value != nil {
		var req []string
		for _, r := range ref.Value.Required {
			if r != "download_url" {
				req = append(req, r)
			}
		}
		ref.Value.Required = req
		changed = append(changed, "SAMLMetadata.download_url is optional")
	}
	if ref := doc.Components.Schemas["OAuth2ProviderSetupURLs"]; ref != nil && ref.Value != nil {
		var req []string
		for _, r := range ref.Value.Required {
			if r != "jwks" {
				req = append(req, r)
			}
		}
		ref.Value.Required = req
		for _, f := range []string{"issuer", "provider_info", "logout"} {
			if p := ref.Value.Properties[f]; p != nil && p.Value != nil {
				p.Value.Nullable = true
			}
		}
		changed = append(changed, "OAuth2ProviderSetupURLs.jwks is optional; issuer, provider_info, logout nullable")
	}
	// Source.icon_url is a ReadOnlyField over Source.icon_url
	// (authentik/core/models.py), None when the source has no icon: the
	// built-in source in sources/all/ answers null.
	if ref := doc.Components.Schemas["Source"]; ref != nil && ref.Value != nil {
		if p := ref.Value.Properties["icon_url"]; p != nil && p.Value != nil {
			p.Value.Nullable = true
			changed = append(changed, "Source.icon_url nullable")
		}
	}
	for _, path := range []string{"/crypto/certificatekeypairs/{kp_uuid}/view_certificate/",
		"/crypto/certificatekeypairs/{kp_uuid}/view_private_key/"} {
		item := doc.Paths.Value(path)
		if item == nil || item.Get == nil {
			continue
		}
		if r := item.Get.Responses.Value("200"); r != nil && r.Value != nil {
			r.Value.Content["application/x-pem-file"] = openapi3.NewMediaType().
				WithSchema(openapi3.NewStringSchema())
			changed = append(changed, path+" 200 may be application/x-pem-file")
		}
	}
	return changed
}

// SchemaPath finds schema.yml of [APIModule]: $PROVISION_AUTHENTIK_SCHEMA if
// set, else <module cache>/goauthentik.io/api/v3@<version>/schema.yml, with
// the version taken from the running binary's build info or, failing that,
// from the nearest go.mod above the working directory.
func SchemaPath() (string, error) {
	if p := os.Getenv(SchemaEnv); p != "" {
		return p, nil
	}
	version, err := moduleVersion()
	if err != nil {
		return "", err
	}
	cache, err := modCache()
	if err != nil {
		return "", err
	}
	escaped, err := escapeModulePath(APIModule)
	if err != nil {
		return "", err
	}
	p := filepath.Join(cache, filepath.FromSlash(escaped)+"@"+version, "schema.yml")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("contract: schema of %s %s: %w (run `go mod download %s`)", APIModule, version, err, APIModule)
	}
	return p, nil
}

// moduleVersion returns the version of APIModule this program was built
// with. Binaries that do not link the module (e.g. this package's tests) fall
// back to the requirement in the enclosing go.mod.
func moduleVersion() (string, error) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path != APIModule {
				continue
			}
			if m.Replace != nil {
				m = m.Replace
			}
			if m.Version != "" {
				return m.Version, nil
			}
		}
	}
	gomod, err := findGoMod()
	if err != nil {
		return "", fmt.Errorf("contract: version of %s: not in build info and %w", APIModule, err)
	}
	v, err := requiredVersion(gomod, APIModule)
	if err != nil {
		return "", fmt.Errorf("contract: version of %s: %w", APIModule, err)
	}
	return v, nil
}

func findGoMod() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("no working directory: %w", err)
	}
	for {
		p := filepath.Join(dir, "go.mod")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// requiredVersion scans go.mod for "<module> <version>" in a require line
// or block. It is deliberately simple: replace directives are not honoured.
func requiredVersion(gomod, module string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 && fields[0] == "require" {
			fields = fields[1:]
		}
		if len(fields) >= 2 && fields[0] == module {
			return fields[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("reading %s: %w", gomod, err)
	}
	return "", fmt.Errorf("%s does not require it", gomod)
}

// modCache returns the module cache: $GOMODCACHE, `go env GOMODCACHE`,
// $GOPATH/pkg/mod or ~/go/pkg/mod, in that order.
func modCache() (string, error) {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "env", "GOMODCACHE").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			return d, nil
		}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		return filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("contract: no module cache: %w", err)
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}

// escapeModulePath applies the module cache's case encoding ("A" -> "!a").
func escapeModulePath(p string) (string, error) {
	var b strings.Builder
	for _, r := range p {
		if r >= 0x80 {
			return "", fmt.Errorf("contract: module path %q is not ASCII", p)
		}
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}

// formatOptions check the string formats authentik's schema uses beyond the
// ones kin-openapi knows (date, date-time, byte). authentik (Django) sends ""
// for blank email and URL fields, so those accept the empty string.
func formatOptions() []openapi3.SchemaValidationOption {
	uuidRE := regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	emailRE := regexp.MustCompile(openapi3.FormatOfStringForEmail)
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
			if !uuidRE.MatchString(s) {
				return errors.New("not a UUID")
			}
			return nil
		})),
		openapi3.WithStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
			if s != "" && !emailRE.MatchString(s) {
				return errors.New("not an email address")
			}
			return nil
		})),
		openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
			if s == "" {
				return nil
			}
			if u, err := url.Parse(s); err != nil || u.Scheme == "" {
				return errors.New("not an absolute URI")
			}
			return nil
		})),
	}
}

// Schema returns the component schema called name (e.g. "SAMLProviderRequest"),
// or nil. The emulator's tests use it to check their field tables.
func (v *Validator) Schema(name string) *openapi3.Schema {
	ref := v.doc.Components.Schemas[name]
	if ref == nil {
		return nil
	}
	return ref.Value
}

// NewerEventActions are the values of authentik 2026.2.2's EventAction
// (authentik/events/models.py) that the module's schema.yml (the 2026.2.0
// API) does not list. authentik's own events-default.yaml blueprint makes
// an event matcher policy matching configuration_warning, so every
// installation answers one.
var NewerEventActions = []string{"configuration_warning", "review_initiated", "review_overdue", "review_attested", "review_completed"}

// relaxNewerEventActions adds NewerEventActions to the EventActions enum.
func relaxNewerEventActions(doc *openapi3.T) []string {
	ref := doc.Components.Schemas["EventActions"]
	if ref == nil || ref.Value == nil {
		return nil
	}
	for _, a := range NewerEventActions {
		if !slices.Contains(ref.Value.Enum, any(a)) {
			ref.Value.Enum = append(ref.Value.Enum, a)
		}
	}
	return []string{"EventActions lists authentik 2026.2.2's newer actions"}
}

// SCIMProviderSchemas are the SCIM provider's schemas whose filter_group
// authentik 2026.2.2 replaced by group_filters.
var SCIMProviderSchemas = []string{"SCIMProvider", "SCIMProviderRequest", "PatchedSCIMProviderRequest"}

// relaxSCIMGroupFilters follows authentik 2026.2.2 where the module's
// schema.yml (the 2026.2.0 API) is older: SCIMProviderSerializer has
// group_filters, a list of group uuids (providers/scim/models.py
// SCIMProvider.group_filters, migration
// 0019_scimprovider_group_filters_and_more), in place of filter_group, one
// group, which the migration removed.
func relaxSCIMGroupFilters(doc *openapi3.T) []string {
	var out []string
	for _, name := range SCIMProviderSchemas {
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil || ref.Value.Properties["filter_group"] == nil {
			continue
		}
		delete(ref.Value.Properties, "filter_group")
		items := openapi3.NewStringSchema()
		items.Format = "uuid"
		list := openapi3.NewArraySchema()
		list.Items = openapi3.NewSchemaRef("", items)
		list.Description = "Group filters used to define sync-scope for groups."
		ref.Value.Properties["group_filters"] = openapi3.NewSchemaRef("", list)
		out = append(out, name+": group_filters (authentik 2026.2.2) in place of filter_group")
	}
	return out
}

// relaxSettingsFlags follows what authentik answers: schema.yml's system
// settings require every feature flag in flags (tenants/api/settings.py
// FlagsJSONExtension lists them all as required), but flags is the
// tenant's stored dict (tenants/models.py Tenant.flags, default=dict;
// Flag.get falls back to each flag's default), so a fresh install answers
// {} and FlagJSONField accepts any subset.
func relaxSettingsFlags(doc *openapi3.T) []string {
	var out []string
	for _, name := range []string{"Settings", "SettingsRequest", "PatchedSettingsRequest"} {
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil || ref.Value.Properties["flags"] == nil || ref.Value.Properties["flags"].Value == nil {
			continue
		}
		if f := ref.Value.Properties["flags"].Value; len(f.Required) > 0 {
			f.Required = nil
			out = append(out, name+": flags holds only the flags set (a fresh install's is {})")
		}
	}
	return out
}
