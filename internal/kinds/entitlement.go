package kinds

// Application entitlements (authentik/core/models.py ApplicationEntitlement,
// api/application_entitlements.py ApplicationEntitlementSerializer): named
// roles of an application, unique per application (unique_together app,
// name), with attributes. An entitlement is a PolicyBindingModel: its
// policies: bind the groups or users that hold it. Not policies:
// ApplicationEntitlement.supported_policy_binding_targets is ["group",
// "user"], and PolicyBindingSerializer.validate (policies/api/bindings.py)
// requires exactly one of those, so a binding of a policy alone is
// refused. authentik
// sends the entitlements a user holds in the "entitlements" claim (the
// managed scope mapping of scope entitlements).
var entitlement = &Kind{
	Name:     "entitlement",
	Path:     "core/application_entitlements/",
	Model:    "authentik_core.applicationentitlement",
	Schema:   "ApplicationEntitlementRequest",
	PK:       "pbm_uuid",
	Defaults: map[string]any{"attributes": map[string]any{}},
	Children: []Child{{Field: "policies", Kind: policyBinding, Parent: "target", OneOf: []string{"group", "user"}}},
	Doc:      "An application entitlement: a named role with attributes, held by the groups or users bound to it.",
}

func init() {
	application.Children = append(application.Children, Child{Field: "entitlements", Kind: entitlement, Parent: "app", By: "name"})
}
