package emulator

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Brands, as authentik/brands/api.py (BrandSerializer, BrandViewSet:
// ordering domain) on authentik/brands/models.py (Brand). The default
// brand is seeded from blueprints/default/default-brand.yaml.

var brandFields = []fieldDef{
	// BrandSerializer.Meta.extra_kwargs: domain gets a plain
	// UniqueValidator (its default message).
	{name: "domain", typ: ftString, required: true, filter: "exact", unique: "This field must be unique."},
	{name: "default", typ: ftBool, def: false, filter: "exact"},
	{name: "branding_title", typ: ftString, def: "authentik", filter: "exact"},
	{name: "branding_logo", typ: ftFile, def: "/static/dist/assets/icons/icon_left_brand.svg", filter: "exact"},
	{name: "branding_favicon", typ: ftFile, def: "/static/dist/assets/icons/icon.png", filter: "exact"},
	{name: "branding_custom_css", typ: ftString, blank: true, def: ""},
	{name: "branding_default_flow_background", typ: ftFile, def: "/static/dist/assets/images/flow_background.jpg", filter: "exact"},
	{name: "flow_authentication", typ: ftRef, ref: "flow", filter: "exact"},
	{name: "flow_invalidation", typ: ftRef, ref: "flow", filter: "exact"},
	{name: "flow_recovery", typ: ftRef, ref: "flow", filter: "exact"},
	{name: "flow_unenrollment", typ: ftRef, ref: "flow", filter: "exact"},
	{name: "flow_user_settings", typ: ftRef, ref: "flow", filter: "exact"},
	{name: "flow_device_code", typ: ftRef, ref: "flow", filter: "exact"},
	{name: "default_application", typ: ftRef, ref: "application"},
	{name: "web_certificate", typ: ftRef, ref: "keypair", filter: "exact"},
	{name: "client_certificates", typ: ftRefList, ref: "keypair", allowEmpty: true, def: []string{}, filter: "exact"},
	{name: "attributes", typ: ftObject, def: json.RawMessage(`{}`)},
}

var brandKind = &kindDef[*store.Object]{
	kind: "brand", model: "Brand", metaModel: "authentik_brands.brand", prefix: "core/brands/",
	fields: brandFields,
	list: httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.IExact("brand_uuid", "brand_uuid")},
		SearchFields: []string{"domain", "branding_title"},
		Order:        []string{"domain"},
	},
	all: func(e *Emulator) []*store.Object { return e.st.Brands },
	byID: func(e *Emulator, id string) (*store.Object, bool) {
		i := slices.IndexFunc(e.st.Brands, func(b *store.Object) bool { return strings.EqualFold(b.PK, id) })
		if i < 0 {
			return nil, false
		}
		return e.st.Brands[i], true
	},
	fresh:  func(e *Emulator) *store.Object { return &store.Object{Attrs: map[string]any{}} },
	clone:  func(o *store.Object) *store.Object { return &store.Object{PK: o.PK, Attrs: cloneAttrs(o.Attrs)} },
	commit: func(_ *Emulator, dst, src *store.Object) { dst.Attrs = src.Attrs },
	insert: func(e *Emulator, o *store.Object) {
		o.PK = e.newUUID()
		e.st.Brands = append(e.st.Brands, o)
	},
	remove: func(e *Emulator, o *store.Object) {
		e.st.Brands = slices.DeleteFunc(e.st.Brands, func(x *store.Object) bool { return x == o })
	},
	attrs: func(o *store.Object) map[string]any { return o.Attrs },
	key:   func(o *store.Object) string { return httpapi.FmtVal(o.Attrs["domain"]) },
	pk:    func(o *store.Object) string { return o.PK },
	// BrandSerializer.validate: "Only a single brand can be set as
	// default." when another brand is the default.
	validate: func(e *Emulator, f *httpapi.Form, o *store.Object) *httpapi.Resp {
		if b, _ := o.Attrs["default"].(bool); !b || !f.Has("default") {
			return nil
		}
		for _, x := range e.st.Brands {
			if x.PK != o.PK && x.Attrs["default"] == true {
				r := httpapi.FieldError("default", "Only a single brand can be set as default.")
				return &r
			}
		}
		return nil
	},
	render: func(e *Emulator, _ *httpapi.Call, o *store.Object) map[string]any {
		return map[string]any{"brand_uuid": o.PK}
	},
}
