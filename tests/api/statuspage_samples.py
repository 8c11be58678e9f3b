"""Sample payloads in Atlassian Statuspage's documented v2 shape (written from
its public API documentation, values invented), to check ours against."""

PAGE = {"id": "kctbh9vrtdwd", "name": "Example", "url": "https://status.example.com",
        "time_zone": "Etc/UTC", "updated_at": "2026-11-16T09:40:00.000Z"}

COMPONENT = {"id": "b13yz5g2cw10", "name": "API", "status": "partial_outage",
             "created_at": "2014-05-03T01:22:07.274Z",
             "updated_at": "2014-05-14T20:34:43.340Z", "position": 1,
             "description": "Lorem", "showcase": True, "group_id": None,
             "page_id": "kctbh9vrtdwd", "group": False,
             "only_show_if_degraded": False}

GROUP = COMPONENT | {"id": "9q7vx4mq4z3v", "group": True,
                     "components": ["b13yz5g2cw10"]}

UPDATE = {"id": "x0ljvc9m1wxj", "status": "identified",
          "body": "A fix is being implemented.", "incident_id": "cp306tmzcl0y",
          "created_at": "2026-11-16T09:40:00.000Z",
          "updated_at": "2026-11-16T09:40:00.000Z",
          "display_at": "2026-11-16T09:40:00.000Z",
          "affected_components": [{"code": "b13yz5g2cw10", "name": "API",
                                   "old_status": "operational",
                                   "new_status": "partial_outage"}],
          "deliver_notifications": True, "custom_tweet": None, "tweet_id": None}

INCIDENT = {"id": "cp306tmzcl0y", "name": "Chat service issues",
            "status": "identified", "created_at": "2026-11-16T09:10:00.000Z",
            "updated_at": "2026-11-16T09:40:00.000Z", "monitoring_at": None,
            "resolved_at": None, "impact": "major",
            "shortlink": "http://stspg.io/803310a12",
            "started_at": "2026-11-16T09:00:00.000Z", "page_id": "kctbh9vrtdwd",
            "incident_updates": [UPDATE], "components": [COMPONENT]}

MAINTENANCE = INCIDENT | {"id": "w1zdr745wmfy", "status": "scheduled",
                          "impact": "maintenance",
                          "scheduled_for": "2026-11-20T02:00:00.000Z",
                          "scheduled_until": "2026-11-20T04:00:00.000Z"}

STATUS = {"indicator": "major", "description": "Partial System Outage"}

SUMMARY = {"page": PAGE, "components": [GROUP, COMPONENT], "incidents": [INCIDENT],
           "scheduled_maintenances": [MAINTENANCE], "status": STATUS}

INDICATORS = {"none", "minor", "major", "critical", "maintenance"}
DESCRIPTIONS = {"All Systems Operational", "Minor Service Outage",
                "Partial System Outage", "Major System Outage",
                "Service Under Maintenance"}
COMPONENT_STATUSES = {"operational", "degraded_performance", "partial_outage",
                      "major_outage", "under_maintenance"}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved",
                     "postmortem"}
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
IMPACTS = {"none", "minor", "major", "critical", "maintenance"}
