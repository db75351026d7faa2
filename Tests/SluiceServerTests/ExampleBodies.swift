import Foundation

/// The job bodies of the worked examples, verbatim except for the places a test must move: the sample
/// data path, the output paths and the api.example.com host (`{{DATA}}`, `{{OUT}}`, `{{API}}`).
enum ExampleBodies {
    /// "POST /jobs" request.
    static let customerMigration = #"""
    {
      "name": "Customer Data Migration",
      "source": {
        "id": "customers-api",
        "type": "api",
        "config": {
          "url": "{{API}}/customers",
          "method": "GET",
          "headers": {
            "Authorization": "Bearer token123"
          }
        },
        "schema": {
          "fields": [
            {
              "name": "id",
              "type": "string",
              "nullable": false
            },
            {
              "name": "email",
              "type": "string",
              "nullable": false,
              "validators": [
                {
                  "type": "pattern",
                  "value": "^[^@]+@[^@]+\\.[^@]+$",
                  "message": "Invalid email format"
                }
              ]
            },
            {
              "name": "age",
              "type": "number",
              "nullable": true,
              "validators": [
                {
                  "type": "min",
                  "value": 0
                },
                {
                  "type": "max",
                  "value": 150
                }
              ]
            }
          ],
          "required": ["id", "email"],
          "strictMode": false
        }
      },
      "transforms": [
        {
          "field": "status",
          "operation": "filter",
          "config": {
            "field": "status",
            "operator": "eq",
            "value": "active"
          }
        },
        {
          "field": "mapping",
          "operation": "map",
          "config": {
            "mapping": {
              "customer_id": "id",
              "email_address": "email",
              "customer_age": "age"
            }
          }
        }
      ],
      "target": {
        "id": "warehouse",
        "type": "file",
        "config": {
          "path": "{{OUT}}/customers_output.json",
          "format": "ndjson",
          "mode": "write"
        },
        "batchSize": 100
      }
    }
    """#

    /// Example 1: Simple ETL Job.
    static let example1 = #"""
    {
        "name": "CSV to JSON",
        "source": {
          "type": "file",
          "config": {
            "path": "{{DATA}}",
            "format": "json"
          }
        },
        "transforms": [],
        "target": {
          "type": "file",
          "config": {
            "path": "{{OUT}}/output.json",
            "format": "json"
          }
        }
      }
    """#

    /// Example 2: Advanced Pipeline with Quality Checks.
    static let example2 = #"""
    {
        "name": "Customer Data Processing",
        "source": {
          "type": "file",
          "config": {
            "path": "{{DATA}}",
            "format": "json"
          },
          "schema": {
            "fields": [
              { "name": "id", "type": "number", "nullable": false },
              { "name": "email", "type": "string", "nullable": false,
                "validators": [
                  { "type": "pattern", "value": "^[^@]+@[^@]+\\.[^@]+$" }
                ]
              }
            ],
            "required": ["id", "email"],
            "strictMode": false
          }
        },
        "transforms": [
          {
            "field": "status",
            "operation": "filter",
            "config": {
              "field": "status",
              "operator": "eq",
              "value": "active"
            }
          },
          {
            "operation": "aggregate",
            "config": {
              "groupBy": ["region"],
              "aggregations": {
                "order_total": "sum",
                "id": "count"
              }
            }
          }
        ],
        "target": {
          "type": "file",
          "config": {
            "path": "{{OUT}}/aggregated.json",
            "format": "json"
          }
        }
      }
    """#

    /// Example 3: Create Scheduled Pipeline.
    static let example3 = #"""
    {
        "id": "daily_sync",
        "name": "Daily Customer Sync",
        "cron": "0 2 * * *",
        "enabled": true,
        "retryPolicy": {
          "maxRetries": 3,
          "retryDelay": 5000,
          "backoffMultiplier": 2
        },
        "timeout": 300000
      }
    """#

    /// "Extract and Transform Data".
    static let extractTransform = #"""
    {
        "name": "Sales Aggregation",
        "source": {
          "type": "api",
          "config": {
            "url": "{{API}}/sales"
          }
        },
        "transforms": [
          {
            "operation": "filter",
            "config": {
              "field": "amount",
              "operator": "gt",
              "value": 100
            }
          },
          {
            "operation": "aggregate",
            "config": {
              "groupBy": ["region", "product"],
              "aggregations": {
                "amount": "sum",
                "quantity": "sum",
                "transactions": "count"
              }
            }
          }
        ],
        "target": {
          "type": "file",
          "config": {
            "path": "{{OUT}}/sales_summary.json",
            "format": "json"
          }
        }
      }
    """#

    /// Fills the placeholders.
    static func fill(_ body: String, data: String = "", out: String = "", api: String = "") -> String {
        body.replacingOccurrences(of: "{{DATA}}", with: data).replacingOccurrences(of: "{{OUT}}", with: out)
            .replacingOccurrences(of: "{{API}}", with: api)
    }
}
