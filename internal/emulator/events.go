package emulator

import (
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Events: notification transports, notification rules and webhook
// mappings, at authentik 2026.2.2:
//   - authentik/events/api/notification_transports.py
//     (NotificationTransportSerializer, NotificationTransportViewSet) on
//     authentik/events/models.py NotificationTransport;
//   - authentik/events/api/notification_rules.py (NotificationRuleSerializer,
//     NotificationRuleViewSet) on NotificationRule, a PolicyBindingModel
//     whose bindings (bindings.go) decide which events notify;
//   - authentik/events/api/notification_mappings.py
//     (NotificationWebhookMappingSerializer) on NotificationWebhookMapping,
//     a PropertyMapping (stored with the other mappings, so
//     propertymappings/all/ lists it and names stay unique across types).
// Event matcher policies, which rules bind, are in policies.go.

// transportModes are TransportMode's values and labels
// (authentik/events/models.py).
var transportModes = []string{"local", "webhook", "webhook_slack", "email"}

var transportModeLabels = map[string]string{"local": "authentik inbuilt notifications", "webhook": "Generic Webhook",
	"webhook_slack": "Slack Webhook (Slack/Discord)", "email": "Email"}

var transportFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact", unique: "notification transport with this name already exists."},
	{name: "mode", typ: ftChoice, choices: transportModes, def: "local", filter: "exact"},
	// TextField(blank=True, validators=[DomainlessURLValidator()]).
	{name: "webhook_url", typ: ftURL, blank: true, def: "", filter: "exact"},
	{name: "webhook_mapping_body", typ: ftRef, ref: "notificationmapping"},
	{name: "webhook_mapping_headers", typ: ftRef, ref: "notificationmapping"},
	{name: "email_subject_prefix", typ: ftString, blank: true, def: "authentik Notification: "},
	{name: "email_template", typ: ftString, def: "email/event_notification.html"},
	{name: "send_once", typ: ftBool, def: false, filter: "exact"},
}

var transportKind = uuidObjects(&kindDef[*store.Object]{
	kind: "notificationtransport", model: "NotificationTransport", metaModel: "authentik_events.notificationtransport",
	prefix: "events/transports/", fields: transportFields,
	list: httpapi.ListSpec{SearchFields: []string{"name", "mode", "webhook_url"}, Order: []string{"name"}},
	// validate_email_template: one of get_template_choices() (the
	// EmailTemplates; a fresh install mounts no custom templates).
	fieldChecks: func(e *Emulator, f *httpapi.Form, o *store.Object) {
		if !f.Has("email_template") || f.Errs["email_template"] != nil {
			return
		}
		v := httpapi.FmtVal(o.Attrs["email_template"])
		for _, t := range emailTemplates {
			if t == v {
				return
			}
		}
		f.Fail("email_template", "Invalid template '"+v+"' specified.")
	},
	// NotificationTransportSerializer.validate reads mode and webhook_url
	// from the body (attrs) only: a webhook mode needs a webhook_url in the
	// same request.
	validate: func(e *Emulator, f *httpapi.Form, o *store.Object) *httpapi.Resp {
		if !f.Has("mode") {
			return nil
		}
		if m := httpapi.FmtVal(o.Attrs["mode"]); m != "webhook" && m != "webhook_slack" {
			return nil
		}
		if !f.Has("webhook_url") || httpapi.FmtVal(o.Attrs["webhook_url"]) == "" {
			r := httpapi.FieldError("webhook_url", "Webhook URL may not be empty.")
			return &r
		}
		return nil
	},
	// get_mode_verbose: TransportMode(mode).label.
	render: func(e *Emulator, _ *httpapi.Call, o *store.Object) map[string]any {
		return map[string]any{"pk": o.PK, "mode_verbose": transportModeLabels[httpapi.FmtVal(o.Attrs["mode"])]}
	},
}, func(s *store.State) *[]*store.Object { return &s.Transports }, (*store.State).DeleteTransport, "name")

// severities are NotificationSeverity's values.
var severities = []string{"notice", "warning", "alert"}

var ruleFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact", unique: "notification rule with this name already exists."},
	// ManyToManyField(blank=True).
	{name: "transports", typ: ftRefList, ref: "notificationtransport", allowEmpty: true, def: []string{}, unordered: true},
	{name: "severity", typ: ftChoice, choices: severities, def: "notice", filter: "exact"},
	{name: "destination_group", typ: ftRef, ref: "group"},
	{name: "destination_event_user", typ: ftBool, def: false},
}

var ruleKind = uuidObjects(&kindDef[*store.Object]{
	kind: "notificationrule", model: "NotificationRule", metaModel: "authentik_events.notificationrule",
	prefix: "events/rules/", fields: ruleFields,
	list: httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{{Param: "destination_group__name", Match: func(o httpapi.Getter, v []string) bool {
			return httpapi.FmtVal(o("_group_name")) == v[0]
		}}},
		SearchFields: []string{"name", "_group_name"},
		Order:        []string{"name"},
	},
	listExtra: func(e *Emulator, o *store.Object, m map[string]any) {
		m["_group_name"] = nil
		if g := e.st.GroupByPK(httpapi.FmtVal(o.Attrs["destination_group"])); g != nil {
			m["_group_name"] = g.Attrs["name"]
		}
	},
	// destination_group_obj: GroupSerializer(read_only=True).
	render: func(e *Emulator, c *httpapi.Call, o *store.Object) map[string]any {
		m := map[string]any{"pk": o.PK, "destination_group_obj": nil}
		if g := e.st.GroupByPK(httpapi.FmtVal(o.Attrs["destination_group"])); g != nil {
			m["destination_group_obj"] = groupKind.renderObj(e, nil, g)
		}
		return m
	},
}, func(s *store.State) *[]*store.Object { return &s.Rules }, (*store.State).DeleteRule, "name")

// notificationMappingType is NotificationWebhookMapping as the base
// PropertyMappingSerializer renders it (propertymappings/all/).
var notificationMappingType = store.MappingType{Component: "ak-property-mapping-notification-form", Verbose: "Webhook Mapping",
	VerbosePlural: "Webhook Mappings", Model: "authentik_events.notificationwebhookmapping"}

// notificationMappingKind is propertymappings/notification/: the shape of
// the other mapping types, but its serializer is a plain ModelSerializer
// with name and expression: no managed field, and no validate_expression
// (the expression is not compiled on save).
var notificationMappingKind = func() *kindDef[*store.OtherMapping] {
	k := sourceMappingType{"propertymappings/notification/", "NotificationWebhookMapping", &notificationMappingType, nil}.kind()
	k.metaModel = notificationMappingType.Model
	k.list = httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name")}, SearchFields: []string{"name"}, Order: []string{"name"}}
	k.choiceFilters = nil
	base := k.readBase
	k.readBase = func(e *Emulator, f *httpapi.Form, m *store.OtherMapping) {
		delete(f.Raw, "managed") // not a field of this serializer: ignored
		base(e, f, m)
	}
	k.fieldChecks = nil
	k.render = func(e *Emulator, _ *httpapi.Call, m *store.OtherMapping) map[string]any {
		return map[string]any{"pk": m.PK, "name": m.Attrs["name"]}
	}
	return k
}()

// resolveRef resolves a reference field's value (refExists), and the
// references only events' fields make: a transport, a webhook mapping.
func (e *Emulator) resolveRef(ref, pk string) string {
	if v, ok := e.eventRef(ref, pk); ok {
		return v
	}
	return e.refExists(ref, pk)
}

func (e *Emulator) eventRef(ref, pk string) (string, bool) {
	switch ref {
	case "notificationtransport":
		if x := e.st.TransportByPK(pk); x != nil {
			return x.PK, true
		}
		return "", true
	case "notificationmapping":
		for _, m := range e.st.OtherMappings {
			if m.Typ == &notificationMappingType && strings.EqualFold(m.PK, pk) {
				return m.PK, true
			}
		}
		return "", true
	}
	return "", false
}

// NotificationFields returns the writable fields of the notification
// transport ("transport") or rule ("rule") with this name, references by
// name, for tests; nil when there is none.
func (e *Emulator) NotificationFields(kind, name string) map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	objs, fields := e.st.Transports, transportFields
	if kind == "rule" {
		objs, fields = e.st.Rules, ruleFields
	}
	for _, o := range objs {
		if o.Attrs["name"] != name {
			continue
		}
		out := map[string]any{}
		for _, fd := range fields {
			v := o.Attrs[fd.name]
			switch fd.ref {
			case "group":
				if s, ok := v.(string); ok {
					v = e.naturalKey("group", s)
				}
			case "notificationmapping":
				if s, ok := v.(string); ok {
					v = e.naturalKey("propertymapping", s)
				}
			case "notificationtransport":
				var names []string
				for _, pk := range v.([]string) {
					if t := e.st.TransportByPK(pk); t != nil {
						names = append(names, httpapi.FmtVal(t.Attrs["name"]))
					}
				}
				slices.Sort(names)
				v = names
			}
			out[fd.name] = v
		}
		return out
	}
	return nil
}
