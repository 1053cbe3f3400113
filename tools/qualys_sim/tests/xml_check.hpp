// libxml2 helpers for the simulator's tests: well-formedness and XPath queries over a response
// body. Parsed with XML_PARSE_NONET and without DTD loading or entity expansion, like the daemon.
#pragma once

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <memory>
#include <string>
#include <vector>

namespace qi::sim::testing {

class XmlDoc {
 public:
  explicit XmlDoc(const std::string& text)
      : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "response.xml", nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
             &xmlFreeDoc) {}

  bool well_formed() const { return doc_ != nullptr; }

  std::vector<std::string> texts(const std::string& xpath) const {
    std::vector<std::string> out;
    if (!doc_) return out;
    std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> context(
        xmlXPathNewContext(doc_.get()), &xmlXPathFreeContext);
    std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> result(
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), context.get()),
        &xmlXPathFreeObject);
    if (!result || !result->nodesetval) return out;
    for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
      xmlChar* content = xmlNodeGetContent(result->nodesetval->nodeTab[i]);
      out.emplace_back(content ? reinterpret_cast<const char*>(content) : "");
      xmlFree(content);
    }
    return out;
  }

  std::size_t count(const std::string& xpath) const { return texts(xpath).size(); }

  // Element names of the nodes the expression selects.
  std::vector<std::string> names(const std::string& xpath) const {
    std::vector<std::string> out;
    if (!doc_) return out;
    std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> context(
        xmlXPathNewContext(doc_.get()), &xmlXPathFreeContext);
    std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> result(
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), context.get()),
        &xmlXPathFreeObject);
    if (!result || !result->nodesetval) return out;
    for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
      out.emplace_back(reinterpret_cast<const char*>(result->nodesetval->nodeTab[i]->name));
    }
    return out;
  }

  std::string text(const std::string& xpath) const {
    const auto all = texts(xpath);
    return all.empty() ? std::string{} : all.front();
  }

 private:
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc_;
};

}  // namespace qi::sim::testing
