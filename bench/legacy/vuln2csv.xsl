<?xml version="1.0" encoding="UTF-8"?>
<!-- Our re-implementation of the legacy vuln2csv.xsl (docs/design.md "What it replaces"):
     cve.csv from a whole KB response, one row per (QID, CVE). Run by xsltproc, which builds the
     whole document tree in memory first: that is the cost being measured. Unlike the legacy
     sheet it writes every CVE of a QID (not only the first) and doubles quotes in values. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:strip-space elements="*"/>

  <xsl:template match="/">
    <xsl:text>"QID_CVE","CVE_ID"&#10;</xsl:text>
    <xsl:for-each select="KNOWLEDGE_BASE_VULN_LIST_OUTPUT/RESPONSE/VULN_LIST/VULN">
      <xsl:variable name="qid" select="QID"/>
      <xsl:for-each select="CVE_LIST/CVE">
        <xsl:text>"</xsl:text>
        <xsl:call-template name="quoted">
          <xsl:with-param name="value" select="$qid"/>
        </xsl:call-template>
        <xsl:text>","</xsl:text>
        <xsl:call-template name="quoted">
          <xsl:with-param name="value" select="ID"/>
        </xsl:call-template>
        <xsl:text>"&#10;</xsl:text>
      </xsl:for-each>
    </xsl:for-each>
  </xsl:template>

  <!-- Doubles every '"' of a value (XSLT 1.0 has no replace()). -->
  <xsl:template name="quoted">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="contains($value, '&quot;')">
        <xsl:value-of select="substring-before($value, '&quot;')"/>
        <xsl:text>""</xsl:text>
        <xsl:call-template name="quoted">
          <xsl:with-param name="value" select="substring-after($value, '&quot;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$value"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
