// The OpenAPI Operation objects of the route table (router.h: Route::openapi), written the
// same way by every module of routes.
#ifndef NARWHAL_HTTP_OPENAPI_DOC_H_
#define NARWHAL_HTTP_OPENAPI_DOC_H_

#include <string>
#include <string_view>

namespace narwhal {

// An Operation: its summary, description, tag, parameters (the JSON objects, comma-
// separated, or empty), a JSON request body schema (or empty), the success response
// (`"200": {...}`) and the problem responses 400, 403 and 404.
std::string OperationDoc(std::string_view tag, std::string_view summary,
                         std::string_view description, std::string_view parameters,
                         std::string_view body, std::string_view ok);

// Success responses for OperationDoc.
inline constexpr std::string_view kJsonObjectOk =
    R"("200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}})";
inline constexpr std::string_view kJsonObjectCreated =
    R"("201": {"description": "Made", "content": {"application/json": {"schema": {"type": "object"}}}})";

}  // namespace narwhal

#endif  // NARWHAL_HTTP_OPENAPI_DOC_H_
