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

var entitlementKind = &kindDef[*store.Object]{
	kind: "applicationentitlement", model: "ApplicationEntitlement", metaModel: "authentik_core.applicationentitlement",
	prefix: "core/application_entitlements/", fields: entitlementFields,
	list: httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.IExact("pbm_uuid", "pbm_uuid")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	},
	all: func(e *Emulator) []*store.Object { return e.st.Entitlements },
	byID: func(e *Emulator, id string) (*store.Object, bool) {
		x := e.st.EntitlementByPK(id)
		return x, x != nil
	},
	fresh:  func(e *Emulator) *store.Object { return &store.Object{Attrs: map[string]any{}} },
	clone:  func(o *store.Object) *store.Object { return &store.Object{PK: o.PK, Attrs: cloneAttrs(o.Attrs)} },
	commit: func(_ *Emulator, dst, src *store.Object) { dst.Attrs = src.Attrs },
	insert: func(e *Emulator, o *store.Object) {
		o.PK = e.newUUID()
		e.st.Entitlements = append(e.st.Entitlements, o)
	},
	remove: func(e *Emulator, o *store.Object) { e.st.DeleteEntitlement(o) },
	attrs:  func(o *store.Object) map[string]any { return o.Attrs },
	key:    func(o *store.Object) string { return httpapi.FmtVal(o.Attrs["name"]) },
	pk:     func(o *store.Object) string { return o.PK },
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
}
