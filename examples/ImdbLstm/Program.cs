// Keras's imdb_lstm example: IMDB reviews cut to their last 80 words (top 20000 words), an LSTM
// of 128 units over 128-wide embeddings, one sigmoid output; see ImdbLstmExample.
return ImdbLstm.ImdbLstmExample.Run(args);
