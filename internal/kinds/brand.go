package kinds

// Brands (authentik/brands/api.py BrandSerializer on
// authentik/brands/models.py Brand), keyed by domain: the domain users see,
// its title, logo and favicon, and its flows by slug. The default brand
// (domain authentik-default, created by blueprints/default/default-brand.yaml)
// may be declared to edit its fields, and is never deleted.
var brand = &Kind{
	Name:    "brand",
	Section: "brands",
	Path:    "core/brands/",
	Model:   "authentik_brands.brand",
	Schema:  "BrandRequest",
	Key:     "domain",
	PK:      "brand_uuid",
	Refs: map[string]string{
		"flow_authentication": "flow", "flow_invalidation": "flow", "flow_recovery": "flow",
		"flow_unenrollment": "flow", "flow_user_settings": "flow", "flow_device_code": "flow",
		"default_application": "application", "web_certificate": "certificate",
		"client_certificates": "certificate",
	},
	// Flows SET_NULL, default_application and web_certificate SET_DEFAULT
	// (None); client_certificates is a many-to-many (rows removed).
	Nulled: []string{"flow_authentication", "flow_invalidation", "flow_recovery", "flow_unenrollment",
		"flow_user_settings", "flow_device_code", "default_application", "web_certificate", "client_certificates"},
	Merge: []string{"attributes"},
	// Brand's model defaults.
	Defaults: map[string]any{"default": false, "branding_title": "authentik",
		"branding_logo": "/static/dist/assets/icons/icon_left_brand.svg", "branding_favicon": "/static/dist/assets/icons/icon.png",
		"branding_custom_css": "", "branding_default_flow_background": "/static/dist/assets/images/flow_background.jpg",
		"attributes": map[string]any{}, "client_certificates": []any{}},
	Docs: map[string]string{
		"domain":              "Domain that activates this brand, its key (a superset matches: a.b for aa.b and ba.b). The default brand's is authentik-default.",
		"default":             "Whether this is the default brand, used when no domain matches; authentik allows one.",
		"default_application": "Application external users are sent to after authenticating, by slug.",
		"web_certificate":     "Certificate the authentik core webserver presents for this domain, by name.",
		"client_certificates": "Certificates used for client authentication, by name.",
		"attributes":          "Brand attributes (a map), managed key by key: keys not declared are kept.",
	},
	Doc: "A brand: the domain users see, its title, logo, favicon and flows.",
}

func init() { Register(brand) }
