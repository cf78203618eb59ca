package emulator

import (
	"encoding/json"

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

var brandKind = uuidObjects(&kindDef[*store.Object]{
	kind: "brand", model: "Brand", metaModel: "authentik_brands.brand", prefix: "core/brands/",
	fields: brandFields,
	list: httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.IExact("brand_uuid", "brand_uuid")},
		SearchFields: []string{"domain", "branding_title"},
		Order:        []string{"domain"},
	},
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
}, func(s *store.State) *[]*store.Object { return &s.Brands }, nil, "domain")
