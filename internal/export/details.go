package export

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"

	"github.com/provision/provision/internal/plan"
)

// bindingFlags reports whether a group binding is an ordinary one, which
// an access list expresses; a negated or disabled binding is reported on
// stderr instead and left out of the export.
//
// Of a binding's own fields, only negate and enabled change who passes:
// authentik's policy engine evaluates group bindings statically
// (compute_static_bindings in authentik/policies/engine.py counts enabled
// bindings, with negate inverting membership), so order, timeout and
// failure_result have no effect on a group binding and are not reported.
// A manifest's access list means "these groups may use it"; listing the
// group of a negated binding would say the opposite of what it does, so the
// plan replaces such a binding (plan/kind_access.go) and the export leaves
// it out, saying so.
func (x *exporter) bindingFlags(slug, group string, b plan.Binding) bool {
	var what string
	switch {
	case b.Disabled && b.Negate:
		what = "is disabled (authentik ignores it) and negated"
	case b.Disabled:
		what = "is disabled, so authentik ignores it"
	case b.Negate:
		what = "is negated: it lets in everyone outside the group"
	default:
		return true
	}
	if x.unexported == nil {
		x.unexported = map[string]bool{}
	}
	x.unexported[b.PK] = true
	x.skip("application %q: the binding of group %q %s, which a manifest cannot express; the export leaves it out, so applying the export deletes that binding", slug, group, what)
	return false
}

// removesOnlyUnexported reports whether c is an access change that only
// removes bindings bindingFlags left out.
func (x *exporter) removesOnlyUnexported(c plan.Change) bool {
	spec, ok := c.Spec.(*plan.AccessSpec)
	if !ok || len(spec.AddGroups) > 0 || len(spec.RemoveBindings) == 0 {
		return false
	}
	for _, pk := range spec.RemoveBindings {
		if !x.unexported[pk] {
			return false
		}
	}
	return true
}

// outpostConfigDefaults is authentik's OutpostConfig dataclass with its
// defaults (authentik/outposts/models.py at 2026.2), as the API returns it.
// log_level and kubernetes_namespace default to the server's own settings;
// info and default are the usual ones, and a server set otherwise only
// makes the export list them.
var outpostConfigDefaults = func() map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(`{
		"authentik_host": "", "authentik_host_insecure": false, "authentik_host_browser": "",
		"log_level": "info", "object_naming_template": "ak-outpost-%(name)s", "refresh_interval": "minutes=5",
		"container_image": null, "docker_network": null, "docker_map_ports": true, "docker_labels": null,
		"kubernetes_replicas": 1, "kubernetes_namespace": "default", "kubernetes_ingress_annotations": {},
		"kubernetes_ingress_secret_name": "authentik-outpost-tls", "kubernetes_ingress_class_name": null,
		"kubernetes_ingress_path_type": null, "kubernetes_httproute_annotations": {},
		"kubernetes_httproute_parent_refs": [], "kubernetes_service_type": "ClusterIP",
		"kubernetes_disabled_components": [], "kubernetes_image_pull_secrets": [], "kubernetes_json_patches": null}`), &m); err != nil {
		panic(err)
	}
	return m
}()

// outpostConfig is the part of a live outpost config to export: the keys
// that differ from authentik's defaults. A manifest's config is merged
// into the live one (declared keys only), so leaving the defaults out is
// no change. A key outposts do not read (stored through the API by hand)
// is refused by manifest validation, so it is reported, not written.
func (x *exporter) outpostConfig(name string, live map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(live)) {
		v := live[k]
		def, known := outpostConfigDefaults[k]
		switch {
		case !known:
			x.skip("outpost %q: config key %q is not one outposts read, and a manifest refuses it; left as it is", name, k)
		case !reflect.DeepEqual(plan.NormalizeJSON(v), def):
			out[k] = v
		}
	}
	return out
}
