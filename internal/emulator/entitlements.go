package emulator

import (
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Application entitlements, as authentik/core/api/application_entitlements.py
// (ApplicationEntitlementSerializer, ApplicationEntitlementViewSet) on
// authentik/core/models.py ApplicationEntitlement: unique_together (app,
// name); a PolicyBindingModel whose bindings name a group or a user
// (supported_policy_binding_targets), deleted with its application.

var entitlementFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact"},
	{name: "app", typ: ftRef, ref: "application", required: true, filter: "exact"},
	{name: "attributes", typ: ftObject, def: map[string]any{}},
}

var entitlementKind = uuidObjects(&kindDef[*store.Object]{
	kind: "applicationentitlement", model: "ApplicationEntitlement", metaModel: "authentik_core.applicationentitlement",
	prefix: "core/application_entitlements/", fields: entitlementFields,
	list: httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.IExact("pbm_uuid", "pbm_uuid")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	},
	// DRF's UniqueTogetherValidator for (app, name).
	validate: func(e *Emulator, f *httpapi.Form, o *store.Object) *httpapi.Resp {
		for _, x := range e.st.Entitlements {
			if x.PK != o.PK && httpapi.FmtVal(x.Attrs["name"]) == httpapi.FmtVal(o.Attrs["name"]) &&
				strings.EqualFold(httpapi.FmtVal(x.Attrs["app"]), httpapi.FmtVal(o.Attrs["app"])) {
				r := httpapi.NonFieldError("The fields app, name must make a unique set.")
				return &r
			}
		}
		return nil
	},
	render: func(e *Emulator, _ *httpapi.Call, o *store.Object) map[string]any {
		return map[string]any{"pbm_uuid": o.PK}
	},
	fast: func(o *store.Object, name string) (any, bool) {
		if name == "pbm_uuid" {
			return o.PK, true
		}
		return nil, false
	},
}, func(s *store.State) *[]*store.Object { return &s.Entitlements }, (*store.State).DeleteEntitlement, "name")
