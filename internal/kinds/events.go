package kinds

// Notifications as code (authentik/events/models.py, at 2026.2.2): a
// notification transport says how a notification is sent (inside
// authentik, by email or to a webhook); a notification rule says who is
// notified, at what severity and through which transports, when one of
// the policies bound to it (an event matcher, policies.go) matches an
// event. A rule is a PolicyBindingModel, so it takes policies: like a
// flow. Both are keyed by name (unique=True); authentik's own, made by
// blueprints/default/events-default.yaml, may be edited and are never
// deleted.

// notificationTransport is NotificationTransport
// (api/notification_transports.py NotificationTransportSerializer).
var notificationTransport = &Kind{
	Name:    "notification transport",
	Section: "notification_transports",
	Path:    "events/transports/",
	Model:   "authentik_events.notificationtransport",
	Schema:  "NotificationTransportRequest",
	Key:     "name",
	PK:      "pk",
	Refs:    map[string]string{"webhook_mapping_body": "property mapping", "webhook_mapping_headers": "property mapping"},
	// on_delete=SET_DEFAULT (None).
	Nulled: []string{"webhook_mapping_body", "webhook_mapping_headers"},
	// A webhook URL carries its credentials (a Slack or Discord webhook's
	// token is its path): only from a sensitive variable. authentik shows
	// it, so plans compare it, masked.
	SensitiveOnly: []string{"webhook_url"},
	// NotificationTransportSerializer.validate reads mode and webhook_url
	// from the body only: a webhook mode needs its URL in the same request.
	SendTogether: [][]string{{"mode", "webhook_url"}},
	// The model's defaults (email_template: EmailTemplates.EVENT_NOTIFICATION).
	Defaults: map[string]any{"mode": "local", "send_once": false, "email_subject_prefix": "authentik Notification: ",
		"email_template": "email/event_notification.html", "webhook_url": "", "webhook_mapping_body": nil, "webhook_mapping_headers": nil},
	Docs: map[string]string{
		"name":                    "Transport name, its key; rules name it in transports.",
		"mode":                    "How notifications are sent: local (in authentik's UI), webhook, webhook_slack (Slack or Discord) or email.",
		"webhook_url":             "Where a webhook or webhook_slack transport posts, only from a sensitive variable (the URL often is the credential): webhook_url: ${SLACK_WEBHOOK_URL}.",
		"webhook_mapping_body":    "A notification property mapping (type: notification) whose result is the request body, by name.",
		"webhook_mapping_headers": "A notification property mapping returning extra request headers, by name.",
		"email_template":          "The email template: email/event_notification.html (the default), email/password_reset.html, email/account_confirmation.html or email/email_otp.html, or a custom template's path.",
	},
	Doc: "A notification transport: how a notification is sent (authentik's UI, email, a webhook, Slack).",
}

// notificationRule is NotificationRule (api/notification_rules.py
// NotificationRuleSerializer).
var notificationRule = &Kind{
	Name:    "notification rule",
	Section: "notification_rules",
	Path:    "events/rules/",
	Model:   "authentik_events.notificationrule",
	Schema:  "NotificationRuleRequest",
	Key:     "name",
	PK:      "pk",
	Refs:    map[string]string{"transports": "notification transport", "destination_group": "group"},
	// destination_group: on_delete=SET_NULL; transports: a many-to-many
	// (its rows go with the transport).
	Nulled:   []string{"destination_group", "transports"},
	Defaults: map[string]any{"severity": "notice", "destination_group": nil, "destination_event_user": false, "transports": []any{}},
	Children: []Child{policies},
	Docs: map[string]string{
		"name":              "Rule name, its key.",
		"transports":        "The transports that send its notifications, by name; with none, notifications show only in authentik's UI.",
		"destination_group": "The group whose members are notified, by name.",
	},
	Doc: "A notification rule: who is notified, how and how urgently, when a policy bound to it (an event matcher) matches an event.",
}

func init() {
	Register(notificationTransport, notificationRule,
		// events/models.py NotificationWebhookMapping: a webhook
		// transport's body or headers. Its serializer
		// (api/notification_mappings.py) has no managed field.
		&Kind{Name: "property mapping", Section: "property_mappings", Type: "notification", Path: "propertymappings/notification/",
			AllPath: "propertymappings/all/", AllModel: "authentik_core.propertymapping",
			Model: "authentik_events.notificationwebhookmapping", Schema: "NotificationWebhookMappingRequest", Key: "name", PK: "pk",
			// The family's list (propertymappings/all/) marks authentik's own.
			Managed: "managed",
			Code:    []string{"expression"}, Python: []string{"expression"},
			Docs: map[string]string{"expression": "Python returning a webhook's body (JSON-serializable) or its headers (a dict); notification, its event and the user are in scope."},
			Doc:  "A notification property mapping: Python building a webhook transport's body or headers."})
}
