package io.toutiao.testing.esplugin;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;

/**
 * Registers the {@code cjk} analyzer, the {@code smartcn} analyzer (Lucene's SmartChineseAnalyzer,
 * as the analysis-smartcn plugin does: real Chinese words), the {@code cjk_bigram} and {@code
 * cjk_width} token filters, and a handler for {@code GET /} and {@code HEAD /}.
 *
 * <p>The integ-test distribution of Elasticsearch ships without the analysis-common and rest-root
 * modules; this plugin restores the parts that tests of Chinese full-text search and the Java
 * client's {@code ping()}/{@code info()} need. The analyzer is Lucene's own {@link CJKAnalyzer},
 * identical to what analysis-common registers under the same name.
 */
public final class ToutiaoTestPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {

  private volatile ClusterService clusterService;

  /** Creates the plugin; Elasticsearch calls this once per node. */
  public ToutiaoTestPlugin() {}

  @Override
  public Collection<?> createComponents(PluginServices services) {
    clusterService = services.clusterService();
    return List.of();
  }

  @Override
  public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
    return Map.of(
        "cjk",
        (indexSettings, environment, name, settings) ->
            new Provider<>(name, settings, new CJKAnalyzer()),
        "smartcn",
        (indexSettings, environment, name, settings) ->
            new Provider<>(name, settings, new SmartChineseAnalyzer()));
  }

  @Override
  public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
    return Map.of(
        "cjk_bigram",
        (indexSettings, environment, name, settings) -> filter(name, CJKBigramFilter::new),
        "cjk_width",
        (indexSettings, environment, name, settings) -> filter(name, CJKWidthFilter::new));
  }

  @Override
  public Collection<RestHandler> getRestHandlers(
      Settings settings,
      NamedWriteableRegistry namedWriteableRegistry,
      RestController restController,
      ClusterSettings clusterSettings,
      IndexScopedSettings indexScopedSettings,
      SettingsFilter settingsFilter,
      IndexNameExpressionResolver indexNameExpressionResolver,
      Supplier<DiscoveryNodes> nodesInCluster,
      Predicate<NodeFeature> clusterSupportsFeature) {
    return List.of(new RootRestHandler(() -> clusterService));
  }

  private static TokenFilterFactory filter(
      String name, java.util.function.Function<TokenStream, TokenStream> wrap) {
    return new TokenFilterFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public TokenStream create(TokenStream tokenStream) {
        return wrap.apply(tokenStream);
      }
    };
  }

  private static final class Provider<A extends Analyzer> extends AbstractIndexAnalyzerProvider<A> {
    private final A analyzer;

    Provider(String name, Settings settings, A analyzer) {
      super(name, settings);
      this.analyzer = analyzer;
    }

    @Override
    public A get() {
      return analyzer;
    }
  }
}
