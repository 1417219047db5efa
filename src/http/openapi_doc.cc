#include "http/openapi_doc.h"

#include <boost/json.hpp>

namespace narwhal {

std::string OperationDoc(std::string_view tag, std::string_view summary,
                         std::string_view description, std::string_view parameters,
                         std::string_view body, std::string_view ok) {
  namespace json = boost::json;
  std::string out = R"({"summary": )" + json::serialize(json::string(summary)) +
                    R"(, "description": )" + json::serialize(json::string(description)) +
                    R"(, "tags": [)" + json::serialize(json::string(tag)) +
                    R"(], "parameters": [)" + std::string(parameters) + "]";
  if (!body.empty()) {
    out += R"(, "requestBody": {"content": {"application/json": {"schema": )" + std::string(body) +
           "}}}";
  }
  out +=
      R"(, "responses": {)" + std::string(ok) +
      R"(, "400": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}})";
  return out;
}

}  // namespace narwhal
