package export

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"github.com/provision/provision/internal/plan"
)

// bindingFlags reports what a group binding holds beyond "this group may
// use the application", which a manifest's access list cannot say.
//
// Of a binding's own fields, only negate and enabled change who passes:
// authentik's policy engine evaluates group bindings statically
// (compute_static_bindings in authentik/policies/engine.py counts enabled
// bindings, with negate inverting membership), so order, timeout and
// failure_result have no effect on a group binding and are not reported.
// The group is still listed, so a plan of the export leaves the binding as
// it is; a comment on access and a line on stderr say what it really does.
func (x *exporter) bindingFlags(e *entry, slug, group string, b plan.Binding) {
	var what string
	switch {
	case b.Disabled && b.Negate:
		what = "is disabled (authentik ignores it) and negated"
	case b.Disabled:
		what = "is disabled, so authentik ignores it"
	case b.Negate:
		what = "is negated: it lets in everyone outside the group"
	default:
		return
	}
	msg := fmt.Sprintf("the binding of group %q %s, which a manifest cannot express", group, what)
	x.skip("application %q: %s; the export lists the group, so a plan leaves the binding as it is, but a new authentik would get an ordinary binding", slug, msg)
	if e.notes == nil {
		e.notes = map[string][]string{}
	}
	e.notes["access"] = append(e.notes["access"], "In authentik, "+msg+"; here it reads as an ordinary binding.")
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
	for _, k := range sortedKeys(live) {
		v := live[k]
		def, known := outpostConfigDefaults[k]
		switch {
		case !known:
			x.skip("outpost %q: config key %q is not one outposts read, and a manifest refuses it; left as it is", name, k)
		case !reflect.DeepEqual(normalize(v), def):
			out[k] = v
		}
	}
	return out
}

// normalize gives a value the shape json.Unmarshal gives it (numbers as
// float64, maps as map[string]any), so it compares with the defaults.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
